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
    db.table("staff_invites").insert(
        {
            "code_sha256": code_sha256,
            "role": role,
            "name": name,
            "created_at": iso(now),
            "expires_at": iso(expires),
        }
    )


def redeem_invite(db: Database, code_sha256: str, person_id: str, now: datetime) -> str | None:
    """Bind `person_id` to the invite's role, once, beside any role they already hold; None
    when the code is unknown, used or expired. The role's notifications go to this person
    from now on."""
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
        held = staff_roles(db, person_id)
        remember_person(db, person_id, held[0] if held else row["role"], row["name"], now)
        db.execute(
            "INSERT INTO staff_roles (person_id, role, name, since) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO UPDATE SET name = excluded.name",
            [person_id, row["role"], row["name"], iso(now)],
        )
        set_role_chat(db, row["role"], person_id, now)
    return row["role"]


def staff_roles(db: Database, person_id: str) -> list[str]:
    """The staff roles registered for this person, first registered first; [] for
    everyone else."""
    return [
        row["role"]
        for row in db.query(
            "SELECT role FROM staff_roles WHERE person_id = ? ORDER BY since, rowid", [person_id]
        )
    ]


def configure_office_chat(db: Database, chat_id: str | None, now: datetime) -> None:
    """The office fallback's chat as configured (None: none configured). Someone who
    registered for the office by invitation keeps it: a restart without the setting must
    not silently stop every notification that waits for the office."""
    with db.atomic():
        if not db.table("staff_roles").count_where("role = ?", [OFFICE]):
            set_role_chat(db, OFFICE, chat_id, now)


def staff_members(db: Database) -> list[StaffMember]:
    return [
        StaffMember(row["person_id"], row["role"], row["name"], row["since"])
        for row in db.query(
            "SELECT person_id, role, name, since FROM staff_roles ORDER BY role, person_id"
        )
    ]


def revoke_staff(db: Database, role_or_person: str, now: datetime) -> list[str]:
    """Unbind everyone holding that role (or every role of that person): the roles'
    notifications fall back to the office, and someone left with no role is a parent
    again. Returns the person ids unbound."""
    with db.atomic():
        ids = [
            row["person_id"]
            for row in db.query(
                "SELECT DISTINCT person_id FROM staff_roles WHERE role = ? OR person_id = ? "
                "ORDER BY person_id",
                [role_or_person, role_or_person],
            )
        ]
        db.execute(
            "DELETE FROM staff_roles WHERE role = ? OR person_id = ?",
            [role_or_person, role_or_person],
        )
        for person_id in ids:
            held = staff_roles(db, person_id)
            db.execute(
                "UPDATE people SET role = ?, last_seen = ? WHERE id = ?",
                [held[0] if held else PARENT, iso(now), person_id],
            )
            db.execute(
                "DELETE FROM role_chats WHERE chat_id = ? AND role NOT IN "
                "(SELECT role FROM staff_roles WHERE person_id = ?)",
                [person_id, person_id],
            )
    return ids


@dataclass(frozen=True)
class PendingInvite:
    role: str
    name: str | None
    created_at: str
    expires_at: str


def pending_invites(db: Database, now: datetime) -> list[PendingInvite]:
    """Invitations not yet used and not expired, newest first."""
    return [
        PendingInvite(row["role"], row["name"], row["created_at"], row["expires_at"])
        for row in db.query(
            "SELECT role, name, created_at, expires_at FROM staff_invites "
            "WHERE used_at IS NULL AND expires_at > ? ORDER BY id DESC",
            [iso(now)],
        )
    ]


def holder_of(db: Database, role: str) -> str | None:
    """The person registered in `role` (the latest to register, if several)."""
    row = next(
        db.query(
            "SELECT person_id FROM staff_roles WHERE role = ? ORDER BY since DESC, rowid DESC "
            "LIMIT 1",
            [role],
        ),
        None,
    )
    return row["person_id"] if row else None
