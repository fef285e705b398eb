"""Which transport updates have been handled, so a redelivered one has no second effect."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlite_utils import Database

from storage.clock import iso

KEEP_FOR = timedelta(days=7)  # far longer than Telegram keeps an unconfirmed update


def already_handled(db: Database, update_id: int) -> bool:
    return db.execute("SELECT 1 FROM handled_updates WHERE update_id = ?",
                      [update_id]).fetchone() is not None


def mark_handled(db: Database, update_id: int, now: datetime) -> None:
    """Record an update as handled, and forget ones too old to be delivered again."""
    with db.atomic():
        db.execute("INSERT OR IGNORE INTO handled_updates (update_id, handled_at) VALUES (?, ?)",
                   [update_id, iso(now)])
        db.execute("DELETE FROM handled_updates WHERE handled_at < ?", [iso(now - KEEP_FOR)])
