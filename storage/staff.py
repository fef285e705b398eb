"""The staff registry: one-time invites (kept only as a sha256 of the code) that bind a
chat identity to a staff role, and the lookup the core uses to decide who is staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.clock import iso
from storage.people import OFFICE, remember_person, set_role_chat

PARENT = "parent"


@dataclass(frozen=True)
class StaffMember:
    person_id: str
    role: str
    name: str | None
    since: str


def create_invite(
    db: Database, code_sha256: str, role: str, name: str, now: datetime, expires: datetime
) -> None:
    db["staff_invites"].insert(
        {
            "code_sha256": code_sha256,
            "role": role,
            "name": name,
            "created_at": iso(now),
            "expires_at": iso(expires),
        }
    )


def redeem_invite(db: Database, code_sha256: str, person_id: str, now: datetime) -> str | None:
    """Bind `person_id` to the invite's role, once; None when the code is unknown, used or
    expired. The role's notifications go to this person from now on."""
    with db.atomic():
        row = next(
            db.query(
                "SELECT id, role, name FROM staff_invites WHERE code_sha256 = ? "
                "AND used_at IS NULL AND expires_at > ?",
                [code_sha256, iso(now)],
            ),
            None,
        )
        if row is None:
            return None
        db.execute(
            "UPDATE staff_invites SET used_at = ?, used_by = ? WHERE id = ?",
            [iso(now), person_id, row["id"]],
        )
        remember_person(db, person_id, row["role"], row["name"], now)
        set_role_chat(db, row["role"], person_id, now)
    return row["role"]


def staff_role(db: Database, person_id: str) -> str | None:
    """The staff role registered for this person, or None for everyone else."""
    row = next(
        db.query("SELECT role FROM people WHERE id = ? AND role != ?", [person_id, PARENT]), None
    )
    return row["role"] if row else None


def configure_office_chat(db: Database, chat_id: str | None, now: datetime) -> None:
    """The office fallback's chat as configured (None: none configured). Someone who
    registered for the office by invitation keeps it: a restart without the setting must
    not silently stop every notification that waits for the office."""
    with db.atomic():
        registered = db["people"].count_where("role = ?", [OFFICE])
        if not registered:
            set_role_chat(db, OFFICE, chat_id, now)


def staff_members(db: Database) -> list[StaffMember]:
    return [
        StaffMember(row["id"], row["role"], row["display_name"], row["first_seen"])
        for row in db.query(
            "SELECT id, role, display_name, first_seen FROM people "
            "WHERE role != ? ORDER BY role, id",
            [PARENT],
        )
    ]


def revoke_staff(db: Database, role_or_person: str, now: datetime) -> list[str]:
    """Unbind everyone holding that role (or that person): they become a parent again and
    the role's notifications fall back to the office. Returns the person ids unbound."""
    with db.atomic():
        ids = [
            row["id"]
            for row in db.query(
                "SELECT id FROM people WHERE role != ? AND (role = ? OR id = ?)",
                [PARENT, role_or_person, role_or_person],
            )
        ]
        for person_id in ids:
            db.execute(
                "UPDATE people SET role = ?, last_seen = ? WHERE id = ?",
                [PARENT, iso(now), person_id],
            )
            db.execute("DELETE FROM role_chats WHERE chat_id = ?", [person_id])
    return ids
