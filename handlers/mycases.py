"""A person's own cases: where each stands and what happens next, staff replies, adding
information or evidence, escalating when a reply has not resolved it, and withdrawing.
Only the person who submitted a case can see or change it here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from handlers import buttons
from handlers.conversation import CANCEL, new_draft_id
from handlers.replies import Button, Incoming, Reply
from handlers.routing import Route, escalation, with_dsl
from handlers.schooldays import add_school_days, school_today
from handlers.submission import add_files_to_case, due_dates, staff_notices
from handlers.templates import render
from handlers.turn import Turn
from storage.attachments import files_of
from storage.cases import (
    Case,
    add_case_message,
    case_by_reference,
    cases_of,
    escalate_case,
    timeline_of,
    withdraw_case,
)
from storage.conversations import Conversation, end_conversation, save_conversation

FLOW, MORE = "mycases", "more"  # the conversation while someone adds information
LISTED = 10
CLOSED = ("withdrawn", "closed")
DONE = Button("Done", buttons.encode("done"))
MY_CASES = Button("My cases", buttons.encode("mycases"))


def _own(turn: Turn, reference: str) -> Case | None:
    case = case_by_reference(turn.db, reference)
    return case if case is not None and case.person_id == turn.person.id else None


def _as_the_sender_sees(case: Case) -> Case:
    """Staff are told an anonymous sender gets none of their replies, so to that sender a
    case the school has replied to is still being looked into."""
    if case.anonymous and case.status == "responded":
        return replace(case, status="acknowledged")
    return case


def _gone() -> list[Reply]:
    return [Reply(render("button_expired"), (MY_CASES,))]


def list_cases(turn: Turn) -> list[Reply]:
    cases = [_as_the_sender_sees(case) for case in cases_of(turn.db, turn.person.id)]
    return [
        Reply(
            render("mycases_list", cases=cases[:LISTED], total=len(cases), casework=turn.casework),
            (
                *(
                    Button(
                        f"{case.reference} ({case.kind})", buttons.encode("case", case.reference)
                    )
                    for case in cases[:LISTED]
                ),
                Button("Main menu", buttons.encode("menu")),
            ),
        )
    ]


@dataclass(frozen=True)
class NextStage:
    """The stage a parent may ask for after a reply or an outcome, and until when."""

    route: Route
    stage: int
    until: date
    still_open: bool


def next_stage(turn: Turn, case: Case) -> NextStage | None:
    """What the procedure offers next for this case, if anything: after the school has
    replied or resolved it, the next stage, within the school's window (school days)."""
    if with_dsl(case) or case.status not in ("responded", "closed"):
        return None
    onward = escalation(case.route, case.assignee_role, case.stage)
    answered = [e.at for e in timeline_of(turn.db, case.id) if e.event in ("response", "resolved")]
    if onward is None or not answered:
        return None
    answered_on = school_today(datetime.fromisoformat(answered[-1]))
    until = add_school_days(answered_on, turn.casework.next_stage_days, turn.casework)
    return NextStage(*onward, until, school_today(turn.now) <= until)


def show_case(turn: Turn, reference: str, note: str | None = None) -> list[Reply]:
    case = _own(turn, reference)
    if case is None:
        return _gone()
    case = _as_the_sender_sees(case)
    responses = [
        entry
        for entry in timeline_of(turn.db, case.id)
        if entry.event in ("response", "resolved") and not case.anonymous
    ]
    onward = next_stage(turn, case)
    actions = []
    if case.status not in CLOSED:
        actions.append(Button("Add more information", buttons.encode("addinfo", case.reference)))
    if onward and onward.still_open:
        actions.append(
            Button("Not resolved — ask for the next stage", buttons.encode("escalate", reference))
        )
    if case.status not in CLOSED and not with_dsl(case):  # the DSL decides a child's safety
        actions.append(Button("Withdraw", buttons.encode("withdraw", case.reference)))
    text = render(
        "mycases_case",
        case=case,
        casework=turn.casework,
        responses=responses,
        holder=turn.casework.holder(case.assignee_role),
        files=len(files_of(turn.db, case.id)),
        onward=onward,
        onward_holder=turn.casework.holder(onward.route.assignee) if onward else None,
    )
    return [Reply(f"{note}\n\n{text}" if note else text, (*actions, MY_CASES))]


def start_adding(turn: Turn, reference: str) -> list[Reply]:
    case = _own(turn, reference)
    if case is None or case.status in CLOSED:
        return _gone()
    save_conversation(
        turn.db,
        turn.person.id,
        Conversation(FLOW, MORE, new_draft_id(), {"reference": case.reference}),
        turn.now,
    )
    return [_more_prompt(case)]


def _more_prompt(case: Case, note: str | None = None) -> Reply:
    text = render("mycases_more", case=case)
    return Reply(f"{note}\n\n{text}" if note else text, (DONE, CANCEL))


def on_message(turn: Turn, conversation: Conversation, incoming: Incoming) -> list[Reply]:
    """Each message or file is added to the case as it arrives, and its handlers told."""
    case = _own(turn, conversation.draft["reference"])
    if case is None:
        end_conversation(turn.db, turn.person.id)
        return _gone()
    text = (incoming.text or "").strip()
    if text.casefold() == DONE.label.casefold() and not incoming.attachments:
        return on_press(turn, conversation, "done")  # the button's label, typed
    if text:  # a message, or the caption of a file
        add_case_message(turn.db, case, text, staff_notices(turn, case, "message"), turn.now)
    if incoming.attachments:
        message = add_files_to_case(turn, case, incoming.attachments)
        return [Reply(message, (DONE, CANCEL))]
    if not text:
        return [_more_prompt(case, render("form_not_text", media=incoming.media))]
    return [Reply(render("mycases_added", case=case), (DONE, CANCEL))]


def on_press(turn: Turn, conversation: Conversation, action: str) -> list[Reply]:
    """Done (back to the case), Carry on, or a stale button while adding information."""
    reference = conversation.draft["reference"]
    case = _own(turn, reference)
    if action == "done" or case is None:
        end_conversation(turn.db, turn.person.id)
        return show_case(turn, reference)
    return [_more_prompt(case, None if action == "carry" else render("form_stale_button"))]


def ask_withdraw(turn: Turn, reference: str) -> list[Reply]:
    case = _own(turn, reference)
    if case is None or case.status in CLOSED:
        return _gone()
    if with_dsl(case):
        return show_case(turn, reference, render("mycases_cannot_withdraw"))
    return [
        Reply(
            render("mycases_withdraw", case=case),
            (
                Button("Yes, withdraw it", buttons.encode("withdrawok", case.reference)),
                Button("No, keep it", buttons.encode("case", case.reference)),
            ),
        )
    ]


def withdraw(turn: Turn, reference: str) -> list[Reply]:
    case = _own(turn, reference)
    if case is None or case.status in CLOSED:
        return _gone()
    if with_dsl(case):
        return show_case(turn, reference, render("mycases_cannot_withdraw"))
    withdraw_case(turn.db, case, staff_notices(turn, case, "withdrawn"), turn.now)
    return show_case(turn, reference)


def _moved(turn: Turn, case: Case, onward: NextStage) -> Case:
    dates = due_dates(turn, case.kind)
    route = onward.route
    return replace(
        case, route=route.route, assignee_role=route.assignee, stage=onward.stage, **dates
    )


def _movable(turn: Turn, reference: str) -> tuple[Case, Case] | list[Reply]:
    """The person's case and how it would look at its next stage, or the reply saying why
    it cannot move on (not theirs, no next stage, or the window has closed)."""
    case = _own(turn, reference)
    if case is None:
        return _gone()
    onward = next_stage(turn, case)
    if onward is None or not onward.still_open:
        return show_case(turn, reference, render("mycases_cannot_escalate", onward=onward))
    return case, _moved(turn, case, onward)


def escalate(turn: Turn, reference: str) -> list[Reply]:
    """Not resolved: say what the next stage means, who deals with it and by when, and ask
    to confirm. Nothing changes yet."""
    found = _movable(turn, reference)
    if isinstance(found, list):
        return found
    case, moved = found
    return [
        Reply(
            render(
                "mycases_escalate_confirm",
                case=moved,
                holder=turn.casework.holder(moved.assignee_role),
                same_holder=moved.assignee_role == case.assignee_role,
            ),
            (
                Button("Yes, move it on", buttons.encode("escalateok", case.reference)),
                Button("No, leave it as it is", buttons.encode("case", case.reference)),
            ),
        )
    ]


def confirm_escalate(turn: Turn, reference: str) -> list[Reply]:
    """Confirmed: on to the next stage (formal stage 1, then the governors' panel)."""
    found = _movable(turn, reference)
    if isinstance(found, list):
        return found
    case, moved = found
    escalate_case(
        turn.db,
        case,
        assignee_role=moved.assignee_role,
        route=moved.route,
        stage=moved.stage,
        notices=staff_notices(turn, moved, "escalated"),
        now=turn.now,
        acknowledge_by=moved.acknowledge_by or "",
        respond_by=moved.respond_by or "",
        passed_by=moved.passed_by,  # whoever passed it up still only watches it
    )
    return show_case(
        turn,
        reference,
        render("mycases_escalated", case=moved, holder=turn.casework.holder(moved.assignee_role)),
    )
