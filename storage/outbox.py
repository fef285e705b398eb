"""Notifications waiting to be delivered: to staff roles about new and changed cases, and to
parents about staff replies. They are written in the same transaction as the change they
announce, so none is lost, and retried until the delivery loop marks them sent.

A staff notification goes to the chat registered for its role, else to the office
fallback's chat, else it waits (chat_id NULL) until one of those exists. The chat is
resolved again at every delivery attempt, so a retry never reaches someone whose role was
revoked since, and one that waited reaches whoever registered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from storage.clock import iso
from storage.people import OFFICE

MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class Notice:
    """A notification to queue: for a staff role, or for a person (by person id)."""

    text: str
    role: str | None = None
    person_id: str | None = None


@dataclass(frozen=True)
class Notification:
    """A queued notification that is due, with the chat to deliver it to."""

    id: int
    chat_id: str  # the id inside the transport, e.g. "12345" for Telegram chat 12345
    text: str
    recipient_role: str | None
    recipient_person: str | None
    attempts: int


def _chat_for_role(db: Database, role: str | None) -> str | None:
    """The role holder's chat, else the office fallback's, else None."""
    row = next(
        db.query(
            "SELECT chat_id FROM role_chats WHERE role IN (?, ?) ORDER BY role = ?",
            [role, OFFICE, OFFICE],
        ),
        None,
    )
    return row["chat_id"] if row else None


def enqueue(
    db: Database, notices: Iterable[Notice], submission_id: int | None, now: datetime
) -> None:
    """Queue notices; call inside the transaction that makes the change they announce."""
    for notice in notices:
        chat = notice.person_id or _chat_for_role(db, notice.role)
        db.table("outbox").insert(
            {
                "submission_id": submission_id,
                "recipient_role": notice.role,
                "recipient_person": notice.person_id,
                "chat_id": chat,
                "text": notice.text,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": iso(now),
                "created_at": iso(now),
            }
        )


def due_notifications(
    db: Database,
    now: datetime,
    limit: int = 20,
    transport: str = "tg",
    only_chat: str | None = None,
) -> list[Notification]:
    """Notifications due by `now` that can be delivered over `transport` (to `only_chat`
    alone when given, as the terminal shows only its own person's), oldest first. Each
    one for a role goes to the chat its role resolves to now (or waits for one)."""
    for_roles = list(
        db.query(
            "SELECT id, recipient_role, chat_id FROM outbox WHERE recipient_role IS NOT NULL "
            "AND status != 'sent' AND next_attempt_at <= ?",
            [iso(now)],
        )
    )
    with db.atomic():
        for row in for_roles:
            chat = _chat_for_role(db, row["recipient_role"])
            if chat != row["chat_id"]:
                db.execute("UPDATE outbox SET chat_id = ? WHERE id = ?", [chat, row["id"]])
    rows = list(
        db.query(
            "SELECT id, chat_id, text, recipient_role, recipient_person, attempts FROM outbox "
            "WHERE status != 'sent' AND next_attempt_at <= ? AND chat_id LIKE ? "
            "AND (? IS NULL OR chat_id = ?) ORDER BY id LIMIT ?",
            [iso(now), f"{transport}:%", only_chat, f"{transport}:{only_chat}", limit],
        )
    )
    return [
        Notification(
            row["id"],
            row["chat_id"].split(":", 1)[1],
            row["text"],
            row["recipient_role"],
            row["recipient_person"],
            row["attempts"],
        )
        for row in rows
    ]


def mark_sent(db: Database, notification_id: int, now: datetime | None = None) -> None:
    db.execute(
        "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, "
        "next_attempt_at = NULL WHERE id = ?",
        [iso(now or datetime.now(UTC)), notification_id],
    )


def mark_failed(db: Database, notification_id: int, error: str, retry_at: datetime | None) -> None:
    """Record a failed delivery; it is due again at `retry_at` (None: never, e.g. the
    recipient blocked the bot)."""
    db.execute(
        "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, "
        "next_attempt_at = ? WHERE id = ?",
        [error[:MAX_ERROR_CHARS], iso(retry_at) if retry_at else None, notification_id],
    )


def waiting_for_recipient(db: Database) -> dict[str, int]:
    """Notifications no one can receive yet (neither the role nor the office has a chat),
    counted by the role they are for."""
    return {
        row["role"]: row["waiting"]
        for row in db.query(
            "SELECT recipient_role AS role, COUNT(*) AS waiting FROM outbox "
            "WHERE chat_id IS NULL AND status != 'sent' AND recipient_role IS NOT NULL "
            "GROUP BY recipient_role ORDER BY recipient_role"
        )
    }
