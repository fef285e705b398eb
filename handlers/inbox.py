"""The staff case inbox: the open cases routed to my role, oldest due first, and a case
card with Acknowledge, Reply to parent, Add internal note, Escalate and Resolve.

Every action checks access here (handlers/access.py) and is audited, allowed or not; a
refusal raises Refused, which chat callers turn into a polite reply and the CLI into an
error. Parents hear from "the school (the class teacher)", never a member of staff's name,
and anonymous senders hear nothing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from handlers import buttons
from handlers.access import OFFICE, audit, handling_role, is_staff, routed_roles
from handlers.conversation import CANCEL, new_draft_id
from handlers.deadlines import is_overdue, next_deadline
from handlers.replies import Button, Incoming, Reply
from handlers.routing import next_up
from handlers.schooldays import school_today
from handlers.submission import due_dates
from handlers.templates import render
from handlers.turn import Turn
from storage.attachments import files_of
from storage.audit import audit_of
from storage.cases import (
    Case,
    acknowledge_case,
    add_case_message,
    case_by_reference,
    escalate_case,
    open_cases,
    record_staff_response,
    resolve_case,
    timeline_of,
)
from storage.conversations import Conversation, end_conversation, save_conversation
from storage.outbox import Notice

FLOW = "inbox"  # the conversation while a member of staff types a reply, note or outcome
WRITTEN = ("reply", "note", "resolve")
CLOSED = ("withdrawn", "closed")
INBOX = Button("Inbox", buttons.encode("inbox"))


class Refused(PermissionError):
    """Not this person's case, no such case, or one already closed: already audited.
    `polite` is what the chat says (the general refusal when None)."""

    def __init__(self, message: str, polite: str | None = None) -> None:
        super().__init__(message)
        self.polite = polite


@dataclass(frozen=True)
class Row:
    case: Case
    what: str  # "acknowledge" | "respond"
    due: str
    overdue: bool


def _row(turn: Turn, case: Case) -> Row:
    what, due = next_deadline(case) or ("respond", case.respond_by or "")
    return Row(case, what, due, is_overdue(case, school_today(turn.now)))


def guard(turn: Turn, action: str, reference: str, *, acting: bool = True) -> tuple[Turn, Case]:
    """The case, if this person may do `action` to it, with the turn as the role they
    handle it in (someone holding two roles acts in the name of the one it was routed to);
    audited either way."""
    case = case_by_reference(turn.db, reference)
    role = handling_role(turn.person, case) if case is not None else None
    if role is not None:
        turn = replace(turn, person=replace(turn.person, role=role, also=()))
    permitted = role is not None
    closed = permitted and acting and case.status in CLOSED
    audit(
        turn,
        action,
        case.reference if case else reference[:24],
        permitted and not closed,
        f"case is {case.status}" if closed else None,
    )
    if case is None or not permitted:
        raise Refused(f"{turn.person.role} may not {action} {reference}")
    if closed:
        raise Refused(f"{reference} is {case.status}", render("staff_closed", case=case))
    return turn, case


def refused(error: Refused) -> list[Reply]:
    return [Reply(error.polite or render("staff_refused"), (INBOX,))]


def list_inbox(turn: Turn) -> list[Reply]:
    """My open cases, oldest due first; the office gets a reference list with no details."""
    role = turn.person.role
    audit(turn, "list", None, is_staff(role))
    if not is_staff(role):
        raise Refused(f"{role} may not list")
    if turn.person.roles == (OFFICE,):
        rows = sorted(
            (_row(turn, case) for case in open_cases(turn.db)),
            key=lambda row: (row.due, row.case.id),
        )
        return [Reply(render("inbox_office", rows=rows))]
    rows = sorted(
        (_row(turn, case) for case in open_cases(turn.db) if handling_role(turn.person, case)),
        key=lambda row: (row.due, row.case.id),
    )
    return [
        Reply(
            render(
                "inbox_list",
                rows=rows,
                holders=[turn.casework.holder(held) for held in turn.person.roles],
            ),
            tuple(
                Button(
                    f"{row.case.reference}{' (overdue)' if row.overdue else ''}",
                    buttons.encode("sc", row.case.reference),
                )
                for row in rows
            ),
        )
    ]


def _timeline(turn: Turn, case: Case) -> list[dict[str, Any]]:
    """What happened to the case and who looked at or did what, in time order."""
    entries = [
        {"at": e.at, "text": f"{e.actor}: {e.event}" + (f": {e.text}" if e.text else "")}
        for e in timeline_of(turn.db, case.id)
    ]
    entries += [
        {
            "at": a.at,
            "text": f"audit: {a.actor} ({a.actor_role}) {a.action}"
            + ("" if a.allowed else " REFUSED"),
        }
        for a in audit_of(turn.db, case.reference)
    ]
    return sorted(entries, key=lambda entry: entry["at"])


def show(turn: Turn, reference: str, note: str | None = None) -> list[Reply]:
    turn, case = guard(turn, "view", reference, acting=False)
    code = case.reference
    actions = []
    if case.status not in CLOSED:
        if case.status == "open":
            actions.append(Button("Acknowledge", buttons.encode("sack", code)))
        actions += [
            Button("Reply to parent", buttons.encode("srep", code)),
            Button("Add internal note", buttons.encode("snote", code)),
        ]
        if next_up(case.assignee_role, case.about, turn.casework):
            actions.append(Button("Escalate", buttons.encode("sesc", code)))
        actions.append(Button("Resolve", buttons.encode("sres", code)))
    text = render(
        "inbox_case",
        case=case,
        casework=turn.casework,
        overdue=_row(turn, case).overdue,
        timeline=_timeline(turn, case),
        files=[f.file_name or f.kind for f in files_of(turn.db, case.id)],
    )
    return [Reply(f"{note}\n\n{text}" if note else text, (*actions, INBOX))]


def _parent_notice(turn: Turn, case: Case, event: str, text: str | None = None) -> list[Notice]:
    """Told to the parent in the school's name and the role's title; nothing if anonymous."""
    if case.anonymous:
        return []
    return [
        Notice(
            render(
                "parent_update",
                event=event,
                case=case,
                text=text,
                school_name=turn.knowledge.school.name,
                holder=turn.casework.holder(turn.person.role),
            ),
            person_id=case.person_id,
        )
    ]


def _done(
    turn: Turn, case: Case, action: str, notified: bool = False, **extra: Any
) -> list[Reply]:
    return show(
        turn, case.reference, render("inbox_done", action=action, notified=notified, **extra)
    )


def acknowledge(turn: Turn, reference: str) -> list[Reply]:
    turn, case = guard(turn, "ack", reference)
    notices = _parent_notice(turn, case, "ack")
    acknowledge_case(turn.db, case, turn.person.role, notices, turn.now)
    return _done(turn, case, "ack", bool(notices))


def reply(turn: Turn, reference: str, text: str) -> list[Reply]:
    turn, case = guard(turn, "reply", reference)
    notices = _parent_notice(turn, case, "reply", text)
    record_staff_response(turn.db, case, turn.person.role, text, notices, turn.now)
    return _done(turn, case, "reply", bool(notices))


def note(turn: Turn, reference: str, text: str) -> list[Reply]:
    turn, case = guard(turn, "note", reference)
    add_case_message(turn.db, case, text, [], turn.now, actor=turn.person.role, event="note")
    return _done(turn, case, "note")


def resolve(turn: Turn, reference: str, outcome: str) -> list[Reply]:
    turn, case = guard(turn, "resolve", reference)
    notices = _parent_notice(turn, case, "resolve", outcome)
    resolve_case(turn.db, case, turn.person.role, outcome, notices, turn.now)
    return _done(turn, case, "resolve", bool(notices))


def escalate(turn: Turn, reference: str) -> list[Reply]:
    """Pass the case up to the next person (never the one it is about); I keep sight of it."""
    turn, case = guard(turn, "escalate", reference)
    onward = next_up(case.assignee_role, case.about, turn.casework)
    if onward is None:
        return show(turn, reference, render("staff_cannot_escalate", case=case))
    route = case.route if onward in routed_roles(case) else f"{case.route}+{onward}"
    dates = due_dates(turn, case.kind)
    moved = replace(case, route=route, assignee_role=onward, **dates)
    notices = [
        Notice(
            render(
                "staff_notice", event="passed", case=moved, holder=turn.casework.holder(onward)
            ),
            role=onward,
        )
    ]
    escalate_case(
        turn.db,
        case,
        assignee_role=onward,
        route=route,
        stage=case.stage,
        notices=notices,
        now=turn.now,
        actor=turn.person.role,
        **dates,
    )
    return _done(turn, case, "escalate", onward=turn.casework.holder(onward))


def start_writing(turn: Turn, reference: str, step: str) -> list[Reply]:
    """Reply, note or resolve: ask for the text, which the next message provides."""
    turn, case = guard(turn, f"{step}-start", reference)
    save_conversation(
        turn.db,
        turn.person.id,
        Conversation(
            FLOW, step, new_draft_id(), {"reference": case.reference, "as": turn.person.role}
        ),
        turn.now,
    )
    return [
        Reply(
            render(
                "inbox_prompt",
                step=step,
                reference=case.reference,
                holder=turn.casework.holder(turn.person.role),
            ),
            (CANCEL,),
        )
    ]


WRITERS = {"reply": reply, "note": note, "resolve": resolve}
PRESSES = {
    "sc": show,
    "sack": acknowledge,
    "sesc": escalate,
    "srep": partial(start_writing, step="reply"),
    "snote": partial(start_writing, step="note"),
    "sres": partial(start_writing, step="resolve"),
}
WRITING = frozenset({"srep", "snote", "sres"})  # these start a conversation


def command(turn: Turn) -> list[Reply]:
    try:
        return list_inbox(turn)
    except Refused as error:
        return refused(error)


def on_press(turn: Turn, action: str, reference: str) -> list[Reply]:
    try:
        return PRESSES[action](turn, reference)
    except Refused as error:
        return refused(error)


def on_message(turn: Turn, conversation: Conversation, incoming: Incoming) -> list[Reply]:
    """The typed reply, note or outcome: written, and only then is the step over (if
    writing fails, the step still waits for the text), then back to the case."""
    text = (incoming.text or "").strip()
    reference = conversation.draft["reference"]
    if not text:
        return [Reply(render("form_not_text", media=incoming.media), (CANCEL,))]
    try:
        replies = WRITERS[conversation.step](turn, reference, text)
    except Refused as error:
        replies = refused(error)
    end_conversation(turn.db, turn.person.id)
    return replies


def resume(turn: Turn, conversation: Conversation) -> list[Reply]:
    """Carry on (or a stale button): ask for the text again."""
    return [
        Reply(
            render(
                "inbox_prompt",
                step=conversation.step,
                reference=conversation.draft["reference"],
                holder=turn.casework.holder(conversation.draft.get("as", turn.person.role)),
            ),
            (CANCEL,),
        )
    ]
