"""Who has sent the school something, and which chat each staff role's notifications go to.

Only people who submit something are kept (chat identity, role, display name), so staff
replies can reach them; asking questions leaves no trace of who asked."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from storage.clock import iso

OFFICE = "office"  # the role whose chat receives notifications no role holder can take yet
ERASED = "erased"  # the tombstone every anonymised case points to; no transport uses this id


def remember_person(
    db: Database, person_id: str, role: str, display_name: str | None, now: datetime
) -> None:
    """Record or refresh a person; keeps their first-seen time."""
    db.execute(
        "INSERT INTO people (id, role, display_name, first_seen, last_seen) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET role = excluded.role, "
        "display_name = excluded.display_name, last_seen = excluded.last_seen",
        [person_id, role, display_name, iso(now), iso(now)],
    )


def set_role_chat(db: Database, role: str, chat_id: str | None, now: datetime) -> None:
    """Deliver `role`'s notifications to `chat_id` (a chat identity such as "tg:-100123"),
    or to nobody in particular (the office fallback) when None."""
    if chat_id is None:
        db.execute("DELETE FROM role_chats WHERE role = ?", [role])
    else:
        db.table("role_chats").upsert(
            {"role": role, "chat_id": chat_id, "updated_at": iso(now)}, pk="role"
        )


def roles_with_chat(db: Database) -> set[str]:
    """The roles whose notifications reach a chat of their own (a registered holder, or
    the office's configured chat)."""
    return {row["role"] for row in db.query("SELECT role FROM role_chats")}
