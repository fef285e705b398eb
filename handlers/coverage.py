"""Nobody left unalerted: which staff roles have nobody registered to receive their
notifications, and which notifications are still waiting for anyone at all. Said by
`policybot doctor`, at the top of the office's inbox, and as a warning when the bot starts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from handlers.templates import render
from knowledge.casework import DEFAULT_TITLES, Casework
from storage.outbox import waiting_for_recipient
from storage.people import OFFICE, roles_with_chat

DSL = "dsl"


@dataclass(frozen=True)
class Coverage:
    unregistered: tuple[str, ...]  # roles ("class_teacher:Year 3" per class) with no chat
    waiting: dict[str, int]  # notifications nobody can receive yet, by role

    @property
    def complete(self) -> bool:
        return not self.unregistered and not self.waiting


def every_role(casework: Casework) -> tuple[str, ...]:
    """Each role a case can be routed to, class teachers one per class."""
    return (
        *(role for role in DEFAULT_TITLES if role != "class_teacher"),
        *(f"class_teacher:{name}" for name in casework.classes),
    )


def coverage(db: Database, casework: Casework) -> Coverage:
    registered = roles_with_chat(db)
    return Coverage(
        tuple(role for role in every_role(casework) if role not in registered),
        waiting_for_recipient(db),
    )


def is_registered(db: Database, role: str) -> bool:
    """Someone holds `role` and gets its notifications (not just the office fallback)."""
    return role in roles_with_chat(db)


def describe(db: Database, casework: Casework) -> str:
    """One paragraph naming every role with nobody registered and what is waiting; empty
    when everyone can be reached."""
    found = coverage(db, casework)
    if found.complete:
        return ""
    return render(
        "coverage",
        unregistered=[casework.holder(role).title for role in found.unregistered],
        dsl_missing=DSL in found.unregistered,
        office=OFFICE not in found.unregistered,
        waiting=[(casework.holder(role).title, count) for role, count in found.waiting.items()],
    )
