"""The append-only audit trail: every staff action and case view, allowed or refused
(the table refuses updates and deletes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage.clock import iso


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str
    actor_role: str
    action: str
    reference: str | None
    detail: str | None
    allowed: bool


def record_audit(
    db: Database,
    *,
    actor: str,
    actor_role: str,
    action: str,
    reference: str | None,
    allowed: bool,
    now: datetime,
    detail: str | None = None,
) -> None:
    with db.atomic():
        db.table("audit").insert(
            {
                "at": iso(now),
                "actor": actor,
                "actor_role": actor_role,
                "action": action,
                "reference": reference,
                "detail": detail,
                "allowed": int(allowed),
            }
        )


def audit_of(db: Database, reference: str) -> list[AuditEntry]:
    """A case's audit trail, the reference matched however it is typed."""
    return [
        AuditEntry(
            row["at"],
            row["actor"],
            row["actor_role"],
            row["action"],
            row["reference"],
            row["detail"],
            bool(row["allowed"]),
        )
        for row in db.query(
            "SELECT * FROM audit WHERE reference = ? COLLATE NOCASE ORDER BY id",
            [reference.strip()],
        )
    ]
