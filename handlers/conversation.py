"""Guided flows as forms: ordered steps, each filling one field of a draft, saved after every
message so a restart carries on where the person stood.

A flow module (concern, report, safeguarding) declares its steps; this module asks the
first unanswered one that applies, checks each answer, shows the summary with Edit /
Submit / Cancel, and hands the finished draft back to the flow to submit. Editing a field
just forgets it (and what depends on it), so the same "next unanswered step" rule asks it
again and returns to the summary. Prompts are templates named `<flow>_<field>`."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from handlers import buttons
from handlers.evidence import receive_files
from handlers.replies import Button, Incoming, Reply
from handlers.routing import Route
from handlers.templates import render
from handlers.turn import Turn
from knowledge.normalise import clean_text
from storage.attachments import draft_file_count
from storage.conversations import Conversation, save_conversation

REVIEW, EDIT = "review", "edit"  # steps that are not fields: the summary, the Edit menu
CANCEL = Button("Cancel", buttons.encode("cancel"))
SKIP, SKIPPED = "skip", ""  # an optional step's Skip, and the answer it leaves


@dataclass(frozen=True)
class Option:
    value: str  # goes into button data: short, [A-Za-z0-9._-]
    label: str


def _always(draft: dict[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class Step:
    field: str
    label: str  # names the field in the summary and the Edit menu
    kind: str = "text"  # "text" | "choice" | "files"
    options: Callable[[Turn, dict[str, Any]], Sequence[Option]] | None = None
    needed: Callable[[dict[str, Any]], bool] = _always
    min_chars: int = 1
    max_chars: int = 3000  # longer is kept whole, with a kind word
    valid: Callable[[dict[str, Any], str], bool] | None = None
    noted: Callable[[str], dict[str, Any]] | None = None  # more fields read from the answer
    clears: tuple[str, ...] = ()  # fields that depend on this one, forgotten when it changes
    editable: bool = True
    extra: tuple[Button, ...] = ()  # buttons beside the options (files steps: Done, ...)
    notes_field: str | None = None  # files steps: where typed text is kept
    keeps_label: bool = False  # choice steps: keep the label (e.g. a class name), not the value
    optional: bool = False  # text steps: a Skip button (or typing "skip") leaves it empty


@dataclass(frozen=True)
class Form:
    name: str
    steps: tuple[Step, ...]
    submit: Callable[[Turn, Conversation], list[Reply]]
    route: Callable[[Turn, dict[str, Any]], Route] | None = None  # shown in the summary
    reviewed: bool = True  # False: submitted as soon as the last step is answered
    after: Callable[[Turn, Conversation], list[Reply] | None] | None = None  # may divert

    def step(self, field: str) -> Step | None:
        return next((step for step in self.steps if step.field == field), None)


def new_draft_id() -> str:
    return secrets.token_hex(6)


def _context(turn: Turn, conversation: Conversation) -> dict[str, Any]:
    return {
        "draft": conversation.draft,
        "casework": turn.casework,
        "school": turn.knowledge.school,
        "files": draft_file_count(turn.db, conversation.draft_id),
    }


def _buttons(turn: Turn, step: Step, conversation: Conversation) -> tuple[Button, ...]:
    options = step.options(turn, conversation.draft) if step.options else ()
    picks = tuple(Button(o.label, buttons.encode("pick", step.field, o.value)) for o in options)
    skip = (Button("Skip", buttons.encode("pick", step.field, SKIP)),) if step.optional else ()
    return (*picks, *skip, *step.extra, CANCEL)


def prompt(
    turn: Turn, form: Form, step: Step, conversation: Conversation, note: str | None = None
) -> Reply:
    text = render(f"{form.name}_{step.field}", **_context(turn, conversation))
    return Reply(f"{note}\n\n{text}" if note else text, _buttons(turn, step, conversation))


def _save(turn: Turn, conversation: Conversation) -> None:
    save_conversation(turn.db, turn.person.id, conversation, turn.now)


def next_step(form: Form, draft: dict[str, Any]) -> Step | None:
    """The first step that applies and has no answer yet."""
    return next((s for s in form.steps if s.needed(draft) and draft.get(s.field) is None), None)


def start(turn: Turn, form: Form, draft: dict[str, Any] | None = None) -> list[Reply]:
    return advance(turn, form, Conversation(form.name, "", new_draft_id(), dict(draft or {})))


def advance(
    turn: Turn, form: Form, conversation: Conversation, notes: Sequence[Reply] = ()
) -> list[Reply]:
    """Save, then ask the next question, show the summary, or submit."""
    if form.after and (diverted := form.after(turn, conversation)) is not None:
        return [*notes, *diverted]
    step = next_step(form, conversation.draft)
    if step is None and not form.reviewed:
        return [*notes, *form.submit(turn, conversation)]
    conversation.step = step.field if step else REVIEW
    _save(turn, conversation)
    return [*notes, resume(turn, form, conversation)]


def resume(turn: Turn, form: Form, conversation: Conversation, note: str | None = None) -> Reply:
    """Ask again whatever the flow is waiting for."""
    if conversation.step == REVIEW:
        return _review(turn, form, conversation, note)
    if conversation.step == EDIT:
        return _edit_menu(turn, form, conversation)
    step = form.step(conversation.step) or next_step(form, conversation.draft)
    if step is None:
        return _review(turn, form, conversation, note)
    return prompt(turn, form, step, conversation, note)


def _display(turn: Turn, step: Step, conversation: Conversation) -> dict[str, Any]:
    draft = conversation.draft
    value = draft.get(step.field)
    if step.kind == "choice" and step.options:
        value = next((o.label for o in step.options(turn, draft) if o.value == value), value)
    if step.kind == "files":
        return {
            "label": step.label,
            "value": draft.get(step.notes_field or ""),
            "files": draft_file_count(turn.db, conversation.draft_id),
        }
    return {"label": step.label, "value": value, "files": None}


def _review(turn: Turn, form: Form, conversation: Conversation, note: str | None = None) -> Reply:
    draft = conversation.draft
    rows = [
        _display(turn, step, conversation)
        for step in form.steps
        if step.editable and step.needed(draft)
    ]
    route = form.route(turn, draft) if form.route else None
    holders = [turn.casework.holder(role) for role in route.roles] if route else []
    text = render("form_review", rows=rows, holders=holders, why=route.why if route else None)
    return Reply(
        f"{note}\n\n{text}" if note else text,
        (
            Button("Submit", buttons.encode("submit", conversation.draft_id)),
            Button("Edit", buttons.encode("edit")),
            CANCEL,
        ),
    )


def _edit_menu(turn: Turn, form: Form, conversation: Conversation) -> Reply:
    return Reply(
        render("form_edit"),
        (
            *(
                Button(step.label, buttons.encode("change", step.field))
                for step in form.steps
                if step.editable and step.needed(conversation.draft)
            ),
            Button("Back to the summary", buttons.encode("review")),
        ),
    )


_NUMBER_WORDS = dict(
    zip(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
        ],
        map(str, range(1, 14)),
        strict=True,
    )
)
_YEAR = re.compile(r"\b(?:y|yr|year)\s*(\d+)\b")
_SHORT = {"rec": "reception", "r": "reception"}


def _loose(text: str) -> str:
    """A label or answer as people shorten it: "y3", "yr 3", "year three" all read as
    "year 3"; "rec" as "reception"."""
    words = [_NUMBER_WORDS.get(word, word) for word in clean_text(text).split()]
    return _SHORT.get(" ".join(words)) or _YEAR.sub(r"year \1", " ".join(words))


def match_option(text: str, options: Sequence[Option]) -> Option | None:
    """The option a typed answer means: its label (loosely: "y3" is "Year 3"), words only
    its label has, or a number that only its label has ("3" when just one label says 3)."""
    typed = _loose(text)
    for option in options:
        if typed in (_loose(option.label), option.value.lower()):
            return option
    if typed.isdigit():
        hits = [o for o in options if typed in _loose(o.label).split()]
        return hits[0] if len(hits) == 1 else None
    if len(typed) < 3:
        return None
    hits = [o for o in options if f" {typed} " in f" {_loose(o.label)} "]
    return hits[0] if len(hits) == 1 else None


def _kept(step: Step, chosen: Option) -> str:
    return chosen.label if step.keeps_label else chosen.value


def _accept(
    turn: Turn,
    form: Form,
    conversation: Conversation,
    step: Step,
    value: str,
    notes: Sequence[Reply] = (),
) -> list[Reply]:
    conversation.draft.pop(f"{step.field}_so_far", None)
    conversation.draft[step.field] = value
    if step.noted:
        conversation.draft.update(step.noted(value))
    return advance(turn, form, conversation, notes)


def _accept_text(
    turn: Turn, form: Form, conversation: Conversation, step: Step, text: str
) -> list[Reply]:
    """Free text: too short is kept and added to, too long is kept whole."""
    so_far = f"{step.field}_so_far"
    text = " ".join(filter(None, (conversation.draft.get(so_far), text)))
    if len(text) < step.min_chars:
        conversation.draft[so_far] = text
        _save(turn, conversation)
        note = render("form_too_short", kept=True)
        return [prompt(turn, form, step, conversation, note)]
    if step.valid and not step.valid(conversation.draft, text):
        conversation.draft.pop(so_far, None)
        return [prompt(turn, form, step, conversation, render("form_invalid", field=step.field))]
    notes = (
        [Reply(render("form_too_long", limit=step.max_chars))]
        if len(text) > step.max_chars
        else []
    )
    return _accept(turn, form, conversation, step, text, notes)


def _typed_at_review(turn: Turn, form: Form, conversation: Conversation, text: str) -> list[Reply]:
    if conversation.step == EDIT:
        options = [
            Option(s.field, s.label)
            for s in form.steps
            if s.editable and s.needed(conversation.draft)
        ]
        chosen = match_option(text, options)
        if chosen:
            return change(turn, form, conversation, chosen.value)
        return [_edit_menu(turn, form, conversation)]
    chosen = match_option(text, [Option("submit", "Submit"), Option("edit", "Edit")])
    if chosen and chosen.value == "submit":
        return form.submit(turn, conversation)
    if chosen:
        conversation.step = EDIT
        _save(turn, conversation)
        return [_edit_menu(turn, form, conversation)]
    return [_review(turn, form, conversation, render("form_use_buttons"))]


def on_message(
    turn: Turn, form: Form, conversation: Conversation, incoming: Incoming
) -> list[Reply]:
    """Text, files or anything else sent while this form is waiting for an answer."""
    text = (incoming.text or "").strip()
    if conversation.step in (REVIEW, EDIT) and text:
        return _typed_at_review(turn, form, conversation, text)
    step = form.step(conversation.step)
    if step is None:
        return [resume(turn, form, conversation, render("form_use_buttons"))]
    if step.kind == "files":
        return _files_step(turn, form, step, conversation, incoming)
    if incoming.attachments or incoming.media or not text:
        media = incoming.media or ("files" if incoming.attachments else None)
        return [prompt(turn, form, step, conversation, render("form_not_text", media=media))]
    if step.optional and match_option(text, [Option(SKIP, "Skip")]):
        return _accept(turn, form, conversation, step, SKIPPED)
    if step.kind == "choice":
        options = step.options(turn, conversation.draft) if step.options else ()
        chosen = match_option(text, options)
        if chosen is None:
            return [prompt(turn, form, step, conversation, render("form_use_buttons"))]
        return _accept(turn, form, conversation, step, _kept(step, chosen))
    return _accept_text(turn, form, conversation, step, text)


def _files_step(
    turn: Turn, form: Form, step: Step, conversation: Conversation, incoming: Incoming
) -> list[Reply]:
    """Files are kept as they come; typed words (or captions) are added to the notes."""
    text = (incoming.text or "").strip()
    if not incoming.attachments and match_option(text, [Option("done", "Done")]):
        return _accept(turn, form, conversation, step, "done")
    if text:
        notes = step.notes_field or step.field
        conversation.draft[notes] = "\n\n".join(
            filter(None, (conversation.draft.get(notes), text))
        )
        _save(turn, conversation)
    if incoming.attachments:
        _, message = receive_files(
            turn,
            incoming.attachments,
            already=draft_file_count(turn.db, conversation.draft_id),
            draft_id=conversation.draft_id,
        )
    elif text:
        message = render("form_noted")
    else:
        message = render("form_not_text", media=incoming.media)
    return [Reply(message, _buttons(turn, step, conversation))]


def change(turn: Turn, form: Form, conversation: Conversation, field: str) -> list[Reply]:
    """Forget one answer (and those that depend on it) so it is asked again."""
    step = form.step(field)
    if step is None or not step.editable or not step.needed(conversation.draft):
        return [resume(turn, form, conversation, render("form_stale_button"))]
    for name in (field, *step.clears):
        conversation.draft.pop(name, None)
    return advance(turn, form, conversation)


def on_press(
    turn: Turn, form: Form, conversation: Conversation, action: str, args: tuple[str, ...]
) -> list[Reply]:
    """A button of this form pressed; anything not for the current step is stale."""
    step = form.step(conversation.step)
    at_summary = conversation.step in (REVIEW, EDIT)
    if action == "pick" and step is not None and step.field == args[0] and step.options:
        chosen = next(
            (o for o in step.options(turn, conversation.draft) if o.value == args[1]), None
        )
        if chosen is not None:
            return _accept(turn, form, conversation, step, _kept(step, chosen))
    if action == "pick" and step is not None and step.optional and args == (step.field, SKIP):
        return _accept(turn, form, conversation, step, SKIPPED)
    if action == "done" and step is not None and step.kind == "files":
        return _accept(turn, form, conversation, step, "done")
    if action == "submit" and conversation.step == REVIEW and args[0] == conversation.draft_id:
        return form.submit(turn, conversation)
    if action in ("edit", "review") and at_summary:
        conversation.step = EDIT if action == "edit" else REVIEW
        _save(turn, conversation)
        return [resume(turn, form, conversation)]
    if action == "change" and at_summary:
        return change(turn, form, conversation, args[0])
    if action == "carry":
        return [resume(turn, form, conversation)]
    return [resume(turn, form, conversation, render("form_stale_button"))]
