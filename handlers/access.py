"""Who may see and act on a case, decided in the core for every action (buttons are only
a convenience: anyone can forge button data). A staff member handles the cases routed to
their role, never one about themselves; the office sees a reference list, not details;
parents see only their own cases (handlers/mycases.py)."""

from __future__ import annotations

from handlers.replies import Person
from handlers.turn import Turn
from storage.audit import record_audit
from storage.cases import Case

OFFICE = "office"
# a case "about" this role is never shown to it, whatever its route says
SUBJECT_OF = {"headteacher": "head", "chair_of_governors": "chair"}
# pages of the staff web console beyond casework, and the roles that may open them
MANAGE_STAFF = frozenset({"headteacher", OFFICE})
SEE_GAPS = frozenset({"headteacher", OFFICE})
SEE_FIGURES = frozenset(
    {"headteacher", "deputy", "chair_of_governors", "vice_chair", "clerk", OFFICE}
)


def routed_roles(case: Case) -> set[str]:
    return {*case.route.split("+"), case.assignee_role}


def may_handle(role: str, case: Case) -> bool:
    """View, acknowledge, reply, note, escalate, resolve: the case must be routed to `role`
    and not be about the person holding it."""
    if role in ("parent", OFFICE) or (role in SUBJECT_OF and SUBJECT_OF[role] == case.about):
        return False
    return role in routed_roles(case)


def passed_on(role: str, case: Case) -> bool:
    """`role` passed the case up: it keeps sight of it, but the next person acts now."""
    return role in (case.passed_by or "").split("+")


def may_act(role: str, case: Case) -> bool:
    """Acknowledge, reply, escalate, resolve: handled by `role` and not passed up by it."""
    return may_handle(role, case) and not passed_on(role, case)


def handling_role(person: Person, case: Case) -> str | None:
    """Which of the person's roles handles the case (they act in its name), if any."""
    return next((role for role in person.roles if may_handle(role, case)), None)


def is_staff(role: str) -> bool:
    return role != "parent"


def audit(
    turn: Turn, action: str, reference: str | None, allowed: bool, detail: str | None = None
) -> None:
    record_audit(
        turn.db,
        actor=turn.person.id,
        actor_role=turn.person.role,
        action=action,
        reference=reference,
        allowed=allowed,
        now=turn.now,
        detail=detail,
    )
