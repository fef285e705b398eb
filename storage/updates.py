"""Updates from the transport: kept as received until handled (so a crash loses none), and
which were handled (so a redelivered one has no second effect)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlite_utils import Database

from storage.clock import iso

KEEP_FOR = timedelta(days=7)  # far longer than Telegram keeps an unconfirmed update


def keep_received(db: Database, update_id: int, payload: str, now: datetime) -> None:
    """Store an update the moment it arrives, before the transport considers it delivered;
    one already handled (delivered again) is not kept."""
    db.execute(
        "INSERT OR IGNORE INTO received_updates (update_id, payload, received_at) "
        "SELECT ?, ?, ? WHERE NOT EXISTS "
        "(SELECT 1 FROM handled_updates WHERE update_id = ?)",
        [update_id, payload, iso(now), update_id],
    )


def unhandled_received(db: Database) -> list[tuple[str, int]]:
    """Payloads received but never handled (the process died first), oldest first, each with
    how often its handling was attempted already; replaying counts as one more attempt."""
    with db.atomic():
        db.execute(
            "UPDATE received_updates SET attempts = attempts + 1 WHERE update_id NOT IN "
            "(SELECT update_id FROM handled_updates)"
        )
        return [
            (row["payload"], row["attempts"])
            for row in db.query(
                "SELECT payload, attempts FROM received_updates WHERE update_id NOT IN "
                "(SELECT update_id FROM handled_updates) ORDER BY update_id"
            )
        ]


def record_failed_attempt(db: Database, update_id: int) -> int | None:
    """Count one failed attempt at handling an update; how many it has had so far (None if
    it was never kept, so cannot be counted)."""
    db.execute(
        "UPDATE received_updates SET attempts = attempts + 1 WHERE update_id = ?", [update_id]
    )
    row = db.execute(
        "SELECT attempts FROM received_updates WHERE update_id = ?", [update_id]
    ).fetchone()
    return row[0] if row else None


def give_up(db: Database, update_id: int, now: datetime) -> None:
    """Stop trying an update that keeps failing: never handled again (a redelivery is
    skipped), its payload kept as long as handled ids are, for a person to look at."""
    with db.atomic():
        db.execute(
            "INSERT OR IGNORE INTO handled_updates (update_id, handled_at) VALUES (?, ?)",
            [update_id, iso(now)],
        )
        db.execute(
            "UPDATE received_updates SET failed_at = ? WHERE update_id = ?", [iso(now), update_id]
        )


def already_handled(db: Database, update_id: int) -> bool:
    return (
        db.execute("SELECT 1 FROM handled_updates WHERE update_id = ?", [update_id]).fetchone()
        is not None
    )


def mark_handled(db: Database, update_id: int, now: datetime) -> None:
    """Record an update as handled, and forget ones too old to be delivered again."""
    with db.atomic():
        db.execute(
            "INSERT OR IGNORE INTO handled_updates (update_id, handled_at) VALUES (?, ?)",
            [update_id, iso(now)],
        )
        db.execute("DELETE FROM received_updates WHERE update_id = ?", [update_id])
        db.execute("DELETE FROM handled_updates WHERE handled_at < ?", [iso(now - KEEP_FOR)])
        db.execute("DELETE FROM received_updates WHERE failed_at < ?", [iso(now - KEEP_FOR)])
