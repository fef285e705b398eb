"""The staff case inbox: the open cases routed to my role, oldest due first, and a case
card with Acknowledge, Reply to parent, Add internal note, Escalate and Resolve.

Every action checks access here (handlers/access.py) and is audited, allowed or not; a
refusal raises Refused, which chat callers turn into a polite reply and the CLI into an
error. Parents hear from "the school (the class teacher)", never a member of staff's name,
and anonymous senders hear nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any

from handlers import buttons
from handlers.access import OFFICE, audit, handling_role, is_staff, passed_on, routed_roles
from handlers.conversation import CANCEL, new_draft_id
from handlers.coverage import describe
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
MENU = Button("Main menu", buttons.encode("menu"))


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
    urgency: str | None  # "urgent" (safeguarding not yet acknowledged) | "overdue" | "today"
    age: int  # days since it was raised
    excerpt: str

    @property
    def rank(self) -> tuple[int, str, int]:
        """Most urgent first, then oldest: acknowledging a case never reorders the others."""
        order = {"urgent": 0, "overdue": 1, "today": 2}.get(self.urgency or "", 3)
        return order, self.case.created_at, self.case.id


EXCERPT_CHARS = 80


def _excerpt(case: Case) -> str:
    words = " ".join((case.details or case.incident_type or "").split())
    return words if len(words) <= EXCERPT_CHARS else words[: EXCERPT_CHARS - 1].rstrip() + "…"


def _row(turn: Turn, case: Case) -> Row:
    what, due = next_deadline(case) or ("respond", case.respond_by or "")
    today = school_today(turn.now)
    overdue = is_overdue(case, turn.now)  # a moment: safeguarding is hours
    urgency = (
        "urgent"
        if case.kind == "safeguarding" and case.status == "open"
        else "overdue"
        if overdue
        else "today"
        if next_deadline(case) and due == today.isoformat()
        else None
    )
    raised = school_today(datetime.fromisoformat(case.created_at))
    return Row(case, what, due, overdue, urgency, (today - raised).days, _excerpt(case))


def guard(
    turn: Turn, action: str, reference: str, *, acting: bool = True, passed_ok: bool = False
) -> tuple[Turn, Case]:
    """The case, if this person may do `action` to it, with the turn as the role they
    handle it in (someone holding two roles acts in the name of the one it was routed to);
    audited either way. Acting needs an open case, and (unless `passed_ok`, for notes) one
    this role has not passed up: whoever it was passed to acts on it now."""
    case = case_by_reference(turn.db, reference)
    role = handling_role(turn.person, case) if case is not None else None
    if case is None or role is None:
        audit(turn, action, case.reference if case else reference[:24], False, None)
        raise Refused(f"{turn.person.role} may not {action} {reference}")
    turn = replace(turn, person=replace(turn.person, role=role, also=()))
    closed = acting and case.status in CLOSED
    passed = acting and not closed and not passed_ok and passed_on(role, case)
    audit(
        turn,
        action,
        case.reference,
        not closed and not passed,
        f"case is {case.status}" if closed else "passed up" if passed else None,
    )
    if closed:
        raise Refused(f"{reference} is {case.status}", render("staff_closed", case=case))
    if passed:
        holder = turn.casework.holder(case.assignee_role)
        raise Refused(
            f"{reference} was passed up", render("staff_passed_on", case=case, holder=holder)
        )
    return turn, case


def refused(error: Refused) -> list[Reply]:
    return [Reply(error.polite or render("staff_refused"), (INBOX,))]


def list_inbox(turn: Turn) -> list[Reply]:
    """My open cases, most urgent then oldest first; the office gets a reference list with
    no details. Cases I passed up are no longer mine to act on, so they are not listed."""
    role = turn.person.role
    audit(turn, "list", None, is_staff(role))
    if not is_staff(role):
        raise Refused(f"{role} may not list")
    if turn.person.roles == (OFFICE,):
        rows = sorted((_row(turn, case) for case in open_cases(turn.db)), key=lambda r: r.rank)
        coverage = describe(turn.db, turn.casework)
        return [Reply(render("inbox_office", rows=rows, coverage=coverage), (MENU,))]
    rows = sorted(
        (_row(turn, case) for case in open_cases(turn.db) if _mine(turn, case)),
        key=lambda row: row.rank,
    )
    return [
        Reply(
            render(
                "inbox_list",
                rows=rows,
                holders=[turn.casework.holder(held) for held in turn.person.roles],
            ),
            (
                *(
                    Button(
                        render("inbox_button", row=row).strip(),
                        buttons.encode("sc", row.case.reference),
                    )
                    for row in rows
                ),
                MENU,
            ),
        )
    ]


def _mine(turn: Turn, case: Case) -> bool:
    """Routed to one of my roles, and not passed up by it."""
    role = handling_role(turn.person, case)
    return role is not None and not passed_on(role, case)


def _timeline(turn: Turn, case: Case) -> list[dict[str, Any]]:
    """What happened to the case, in time order (the audit of who looked at it is kept,
    and exported, but not shown here: it would drown the events)."""
    return [
        {"at": e.at, "text": f"{e.actor}: {e.event}" + (f": {e.text}" if e.text else "")}
        for e in timeline_of(turn.db, case.id)
    ]


def show(turn: Turn, reference: str, note: str | None = None) -> list[Reply]:
    turn, case = guard(turn, "view", reference, acting=False)
    code = case.reference
    actions = []
    acting = not passed_on(turn.person.role, case)
    if case.status not in CLOSED:
        if acting and case.status == "open":
            actions.append(Button("Acknowledge", buttons.encode("sack", code)))
        if acting:
            actions.append(Button("Reply to parent", buttons.encode("srep", code)))
        actions.append(Button("Add internal note", buttons.encode("snote", code)))
        if acting and next_up(case.assignee_role, case.about, turn.casework):
            actions.append(Button("Escalate", buttons.encode("sesc", code)))
        if acting:
            actions.append(Button("Resolve", buttons.encode("sres", code)))
    text = render(
        "inbox_case",
        case=case,
        casework=turn.casework,
        row=_row(turn, case),
        passed=passed_on(turn.person.role, case),
        timeline=_timeline(turn, case),
        audited=len(audit_of(turn.db, case.reference)),
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
    turn, case = guard(turn, "note", reference, passed_ok=True)
    add_case_message(turn.db, case, text, [], turn.now, actor=turn.person.role, event="note")
    return _done(turn, case, "note")


def resolve(turn: Turn, reference: str, outcome: str) -> list[Reply]:
    turn, case = guard(turn, "resolve", reference)
    notices = _parent_notice(turn, case, "resolve", outcome)
    resolve_case(turn.db, case, turn.person.role, outcome, notices, turn.now)
    return _done(turn, case, "resolve", bool(notices))


def _passing_up(turn: Turn, case: Case) -> tuple[str, Case] | None:
    """Who the case would go to next, and the case as it would be once passed."""
    onward = next_up(case.assignee_role, case.about, turn.casework)
    if onward is None:
        return None
    route = case.route if onward in routed_roles(case) else f"{case.route}+{onward}"
    passed_by = "+".join(filter(None, (case.passed_by, turn.person.role)))
    dates = due_dates(turn, case.kind)
    return onward, replace(case, route=route, assignee_role=onward, passed_by=passed_by, **dates)


def ask_escalate(turn: Turn, reference: str) -> list[Reply]:
    """Escalate pressed: say who it would go to and what it means for me; change nothing."""
    turn, case = guard(turn, "escalate-start", reference)
    passing = _passing_up(turn, case)
    if passing is None:
        return show(turn, reference, render("staff_cannot_escalate", case=case))
    onward, moved = passing
    holder = turn.casework.holder(onward)
    return [
        Reply(
            render("staff_escalate_confirm", case=moved, holder=holder),
            (
                Button(f"Yes, pass it to the {holder.title}", buttons.encode("sescok", reference)),
                Button("No, keep it", buttons.encode("sc", reference)),
            ),
        )
    ]


def escalate(turn: Turn, reference: str) -> list[Reply]:
    """Pass the case up to the next person (never the one it is about); I keep sight of it
    but no longer act on it, and it leaves my inbox."""
    turn, case = guard(turn, "escalate", reference)
    passing = _passing_up(turn, case)
    if passing is None:
        return show(turn, reference, render("staff_cannot_escalate", case=case))
    onward, moved = passing
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
        route=moved.route,
        stage=case.stage,
        notices=notices,
        now=turn.now,
        actor=turn.person.role,
        acknowledge_by=moved.acknowledge_by or "",
        respond_by=moved.respond_by or "",
        passed_by=moved.passed_by,
    )
    return _done(turn, case, "escalate", onward=turn.casework.holder(onward), moved=moved)


def start_writing(turn: Turn, reference: str, step: str) -> list[Reply]:
    """Reply, note or resolve: ask for the text, which the next message provides."""
    turn, case = guard(turn, f"{step}-start", reference, passed_ok=step == "note")
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
PRESSES: dict[str, Callable[[Turn, str], list[Reply]]] = {
    "sc": show,
    "sack": acknowledge,
    "sesc": ask_escalate,
    "sescok": escalate,
    "srep": partial(start_writing, step="reply"),
    "snote": partial(start_writing, step="note"),
    "sres": partial(start_writing, step="resolve"),
}
WRITING = frozenset({"srep", "snote", "sres"})  # these start a conversation


def open_typed(turn: Turn, reference: str) -> list[Reply]:
    """A case reference typed by a member of staff: its card, if they may see it."""
    try:
        return show(turn, reference)
    except Refused as error:
        return refused(error)


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
