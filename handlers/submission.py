"""Filing a finished draft as a case: due dates in school days, a reference, notifications
to every role on its route (in the same transaction), and the confirmation the sender sees.
Shared by the concern, report and safeguarding flows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypedDict

from handlers import buttons
from handlers.evidence import receive_files
from handlers.replies import Attachment, Button, Reply
from handlers.routing import Route
from handlers.schooldays import add_school_days, school_today
from handlers.templates import render
from handlers.turn import Turn
from storage.attachments import files_of
from storage.cases import Case, CaseDraft, add_case_message, record_submission
from storage.clock import iso
from storage.outbox import Notice

# Safeguarding runs on the clock, every day, holidays included: the DSL is alerted at once,
# reminded after an hour, and the headteacher told if it is not picked up within hours.
SAFEGUARDING_ACKNOWLEDGE = timedelta(hours=4)
SAFEGUARDING_REMIND_AFTER = timedelta(hours=1)
SAFEGUARDING_RESPOND = timedelta(hours=72)


class DueDates(TypedDict):
    acknowledge_by: str
    respond_by: str


def due_dates(turn: Turn, kind: str) -> DueDates:
    """When the school must acknowledge and respond: school days from today, or for
    safeguarding a moment in calendar hours from now."""
    if kind == "safeguarding":
        return {
            "acknowledge_by": iso(turn.now + SAFEGUARDING_ACKNOWLEDGE),
            "respond_by": iso(turn.now + SAFEGUARDING_RESPOND),
        }
    casework, today = turn.casework, school_today(turn.now)
    return {
        "acknowledge_by": add_school_days(today, casework.acknowledge_days, casework).isoformat(),
        "respond_by": add_school_days(today, casework.respond_days, casework).isoformat(),
    }


def staff_notices(turn: Turn, case: Case, event: str) -> list[Notice]:
    """One notification per role on the case's route, saying only what that role needs:
    the reference, what kind of case, what happened to it, and when it is due."""
    roles = Route(case.route, case.assignee_role).roles
    return [
        Notice(
            render("staff_notice", event=event, case=case, holder=turn.casework.holder(role)),
            role=role,
        )
        for role in roles
    ]


def file_case(
    turn: Turn,
    draft: CaseDraft,
    draft_id: str,
    notices: Callable[[Case], list[Notice]] | None = None,
) -> tuple[Case, bool]:
    """Store the case once (a second submit of the same draft returns the first), telling
    every role on its route (or whoever `notices` names)."""
    school = turn.knowledge.school
    person = turn.person
    return record_submission(
        turn.db,
        replace(draft, **due_dates(turn, draft.kind)),
        draft_id=draft_id,
        person_id=person.id,
        person_role=person.role,
        person_name=person.name,
        reference_prefix=school.reference_prefix,
        year=school_today(turn.now).year,
        now=turn.now,
        notices=notices or (lambda case: staff_notices(turn, case, "new")),
    )


def confirmation(
    turn: Turn,
    case: Case,
    again: bool = False,
    in_group: bool = False,
    why: str | None = None,
    **extra: Any,
) -> Reply:
    """What the sender is told once the case is stored (or already was); in a group, that
    it went, with neither its reference nor a way into the sender's cases. `why` says why
    it did not go to the usual first stop; `extra` is for the template (a safeguarding
    referral says who else was alerted)."""
    template = "safeguarding_sent" if case.kind == "safeguarding" else "case_sent"
    return Reply(
        render(
            template,
            case=case,
            again=again,
            in_group=in_group,
            why=why,
            casework=turn.casework,
            holder=turn.casework.holder(case.assignee_role),
            others=[
                turn.casework.holder(role)
                for role in Route(case.route, case.assignee_role).roles[1:]
            ],
            **extra,
        ),
        ()
        if in_group
        else (
            Button("My cases", buttons.encode("mycases")),
            Button("Main menu", buttons.encode("menu")),
        ),
    )


def add_files_to_case(turn: Turn, case: Case, attachments: tuple[Attachment, ...]) -> str:
    """Keep files sent for an existing case (within its limit), note them on its timeline
    for the staff on its route, and say what was kept."""
    kept, message = receive_files(
        turn, attachments, already=len(files_of(turn.db, case.id)), case_id=case.id
    )
    if kept:
        add_case_message(
            turn.db,
            case,
            render("timeline_files", count=kept),
            staff_notices(turn, case, "files"),
            turn.now,
            event="attachment",
        )
    return message
