"""Deadline reminders, escalation notices and digests: each occasion has a key and is
queued at most once, in the same transaction that records it was sent."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from storage.clock import iso
from storage.outbox import Notice, enqueue


def queue_once(
    db: Database, key: str, notices: list[Notice], submission_id: int | None, now: datetime
) -> bool:
    """Queue `notices` unless `key` was queued before; True when queued now."""
    with db.atomic():
        inserted = db.execute(
            "INSERT OR IGNORE INTO reminders_sent (key, sent_at) VALUES (?, ?)", [key, iso(now)]
        ).rowcount
        if inserted:
            enqueue(db, notices, submission_id, now)
    return bool(inserted)
