"""Which flow a message or a button press belongs to: starting a guided flow, carrying on
the one a person is part-way through, stopping it, and the "my cases" actions. The engine
calls these; each flow's own logic stays in its module."""

from __future__ import annotations

from handlers import buttons, concern, conversation, inbox, mycases, report, safeguarding
from handlers.replies import Button, Incoming, Reply
from handlers.routing import with_dsl
from handlers.submission import confirmation
from handlers.templates import render
from handlers.turn import Turn
from knowledge.safeguarding import suggests_child_at_risk
from storage.cases import case_by_draft, case_by_reference
from storage.conversations import Conversation, end_conversation

FORMS = {form.name: form for form in (concern.FORM, report.FORM, safeguarding.FORM)}
FORM_ACTIONS = frozenset(
    {"pick", "done", "edit", "change", "review", "submit", "carry", "sgimage", "skip"}
)
CASE_ACTIONS = {
    "case": mycases.show_case,
    "escalate": mycases.escalate,
    "escalateok": mycases.confirm_escalate,
    "withdraw": mycases.ask_withdraw,
    "withdrawok": mycases.withdraw,
}
STARTS = frozenset({"concern", "report", "mycases", "inbox"})


def part_way(current: Conversation) -> list[Reply]:
    return [
        Reply(
            render("part_way", flow=current.flow),
            (Button("Carry on", buttons.encode("carry")), conversation.CANCEL),
        )
    ]


def resume_quietly(turn: Turn, current: Conversation) -> list[Reply]:
    """Carry on where the person stood, saying so (a new terminal session, say), rather
    than asking "carry on or cancel?", which the next line typed could answer by accident."""
    note = render("resumed_quietly", flow=current.flow)
    form = FORMS.get(current.flow)
    if form is not None:
        return [conversation.resume(turn, form, current, note)]
    if current.flow == inbox.FLOW:
        replies = inbox.resume(turn, current)
    else:
        replies = mycases.on_press(turn, current, "carry")
    return [Reply(f"{note}\n\n{replies[0].text}", replies[0].buttons), *replies[1:]]


def begin(turn: Turn, current: Conversation | None, name: str) -> list[Reply]:
    """Start "concern", "report", "mycases" or "inbox". Part-way through the same flow, carry on
    where it stood; through another, ask first (a draft is never dropped unasked). Adding
    information to a case just ends: each message went on the case as it came, so nothing
    typed afterwards is filed by mistake."""
    if current is not None and current.flow in (safeguarding.FLOW, mycases.FLOW):
        cancel(turn)  # the referral is filed, or what was added is already on the case
        current = None
    if current is not None and current.flow == name and name in FORMS:
        note = render("form_resumed")
        return [conversation.resume(turn, FORMS[name], current, note)]
    if current is not None:
        return part_way(current)
    if name == "mycases":
        return mycases.list_cases(turn)
    if name == "inbox":
        return inbox.command(turn)
    return conversation.start(turn, FORMS[name])


def cancel(turn: Turn) -> None:
    """Stop the person's flow; a draft's files go with it (nothing was sent)."""
    end_conversation(turn.db, turn.person.id)


def _adding_to_dsl_case(turn: Turn, current: Conversation) -> bool:
    """Adding information to a case the DSL already has: it goes on that case."""
    if current.flow != mycases.FLOW:
        return False
    case = case_by_reference(turn.db, current.draft["reference"])
    return case is not None and with_dsl(case)


def on_message(turn: Turn, current: Conversation, incoming: Incoming) -> list[Reply]:
    """Anything sent while part-way through a flow. A message suggesting a child is at risk
    goes to the safeguarding lead at once, with the files sent with it, whatever step it
    was typed at (except staff writing about a case, which is already with the school, and
    anything added to a case the DSL already has)."""
    text = (incoming.text or "").strip()
    if current.flow == inbox.FLOW:
        return inbox.on_message(turn, current, incoming)
    if current.flow == safeguarding.FLOW:
        return safeguarding.on_message(turn, current, incoming)
    if (
        current.flow != safeguarding.FORM.name
        and suggests_child_at_risk(text)
        and not _adding_to_dsl_case(turn, current)
    ):
        return safeguarding.refer_now(turn, current, text, incoming.attachments)
    if current.flow == mycases.FLOW:
        return mycases.on_message(turn, current, incoming)
    form = FORMS.get(current.flow)
    if form is None:  # a flow this version no longer has: start afresh
        cancel(turn)
        return [Reply(render("button_expired"), ())]
    return conversation.on_message(turn, form, current, incoming)


def _resent_submit(turn: Turn, draft_id: str) -> list[Reply] | None:
    """A Submit pressed again after its draft was sent: the same confirmation, nothing new."""
    case = case_by_draft(turn.db, draft_id)
    if case is None or case.person_id != turn.person.id:
        return None
    return [confirmation(turn, case, again=True)]


def on_press(
    turn: Turn, current: Conversation | None, action: str, args: tuple[str, ...]
) -> list[Reply] | None:
    """Replies to a flow or case button; None when the press is stale or not one of these."""
    if action in STARTS:
        return begin(turn, current, action)
    if action in CASE_ACTIONS:
        return CASE_ACTIONS[action](turn, args[0])
    if action in inbox.WRITING and current:
        return part_way(current)
    if action in inbox.PRESSES:
        return inbox.on_press(turn, action, args[0])
    if action == "addinfo":
        return part_way(current) if current else mycases.start_adding(turn, args[0])
    if action == "submit" and (current is None or current.draft_id != args[0]):
        return _resent_submit(turn, args[0])
    if action not in FORM_ACTIONS or current is None:
        return None
    if current.flow == mycases.FLOW:
        return mycases.on_press(turn, current, action)
    if current.flow == safeguarding.FLOW:
        return safeguarding.on_press(turn, current, action, args)
    if current.flow == inbox.FLOW:
        return inbox.resume(turn, current)
    if action == "sgimage" and current.flow == report.FORM.name:
        return report.sexual_image(turn, current)
    form = FORMS.get(current.flow)
    if form is None:
        return None
    return conversation.on_press(turn, form, current, action, args)
