"""Who a concern, complaint or report goes to (design.md's routing table), and where it
goes next when the parent says it is not resolved. Nothing is ever routed to the person it
is about: the headteacher's concerns go to the chair, the chair's to the vice-chair or clerk.

Roles are strings: "headteacher", "dsl", "class_teacher:Year 3" (the teacher of that
class). A route names every role told about a case, joined by "+"."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.casework import Casework
from storage.cases import Case

STAGE_INFORMAL, STAGE_FORMAL, STAGE_PANEL = 0, 1, 2


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "headteacher+dsl", as `policybot cases list` shows it
    assignee: str  # the role that owns the case
    why: str | None = None  # why not the usual first stop ("class_teacher": it is about them)

    @property
    def roles(self) -> tuple[str, ...]:
        """Every role to notify: the assignee first."""
        others = [role for role in self.route.split("+") if role != self.assignee]
        return (self.assignee, *others)


SAFEGUARDING = Route("dsl", "dsl")
# An allegation against a member of staff goes to the DSL and the headteacher the same day,
# to the chair of governors instead when it is about the headteacher.
ALLEGATION = Route("dsl+headteacher", "dsl")
ALLEGATION_ABOUT_HEAD = Route("dsl+chair_of_governors", "dsl")


def route_referral(allegation_about: str | None) -> Route:
    """Where a safeguarding referral goes: the DSL, with whoever manages allegations
    against staff when it is one ("staff" or "head"), never the person it is about."""
    if allegation_about == "head":
        return ALLEGATION_ABOUT_HEAD
    if allegation_about == "staff":
        return ALLEGATION
    return SAFEGUARDING


def with_dsl(case: Case) -> bool:
    """A safeguarding referral, or a case the DSL has been told about at any point (a
    pupil was involved): it stays in the DSL's sight, a parent cannot withdraw it or move
    it on, and it is kept under legal hold."""
    return case.kind == "safeguarding" or case.dsl_involved or "dsl" in case.route.split("+")


def _single(role: str) -> Route:
    return Route(role, role)


def route_concern(
    about: str,
    class_name: str | None,
    casework: Casework,
    kind: str = "concern",
    about_teacher: bool = False,
) -> Route:
    """The first stop for a concern about `about` (a choice of the concern flow; a child's
    safety is not a complaint and goes to SAFEGUARDING instead). A formal complaint starts
    at stage 1, which the headteacher investigates, never the class teacher; a concern
    about the class teacher themself goes to the headteacher too, saying why."""
    if about == "class" and class_name and kind != "complaint":
        if about_teacher:
            return Route("headteacher", "headteacher", why="class_teacher")
        return _single(f"class_teacher:{class_name}")
    if about == "head":
        return _single("chair_of_governors")
    if about == "chair":
        return _single(casework.about_chair_route)
    return _single("headteacher")  # a member of staff, or a whole-school matter


def route_report(pupil_involved: bool) -> Route:
    """Online incidents go to the headteacher, and to the DSL too when a pupil is involved."""
    return Route("headteacher+dsl", "headteacher") if pupil_involved else _single("headteacher")


def escalation(case_route: str, assignee: str, stage: int) -> tuple[Route, int] | None:
    """Where an unresolved case goes next, and at which stage; None at the last stage.

    A class teacher's case goes to the headteacher (formal stage 1); an informal concern
    elsewhere becomes formal with the same role; a formal one goes to the governors' panel
    through the clerk (stage 2). Safeguarding referrals, and anything the DSL has, are not
    complaints: no stages, and nothing goes past the DSL."""
    if assignee == "dsl" or "dsl" in case_route.split("+") or stage >= STAGE_PANEL:
        return None
    if assignee.startswith("class_teacher"):
        return _single("headteacher"), STAGE_FORMAL
    if stage == STAGE_INFORMAL:
        return Route(case_route, assignee), STAGE_FORMAL
    return _single("clerk"), STAGE_PANEL


# A member of staff passing a case up: the next person in the line of responsibility.
_NEXT_UP = {
    "class_teacher": "headteacher",
    "deputy": "headteacher",
    "dsl": "headteacher",
    "office": "headteacher",
    "headteacher": "chair_of_governors",
}


def next_up(assignee: str, about: str | None, casework: Casework) -> str | None:
    """Who a case goes to when its handler escalates it (class teacher → headteacher →
    chair of governors → vice-chair or clerk), skipping the person it is about; None at
    the top."""
    role: str | None = _NEXT_UP.get(assignee.partition(":")[0])
    if assignee == "chair_of_governors":
        role = casework.about_chair_route
    if role == "headteacher" and about == "head":
        role = "chair_of_governors"
    if role == "chair_of_governors" and about == "chair":
        role = casework.about_chair_route
    return role
