"""Safeguarding triage: when what someone writes suggests a child is at risk, or they say the
concern is about a child's safety, it goes to the designated safeguarding lead at once, as
a safeguarding referral rather than a complaint, with "in immediate danger call 999".

An allegation against a member of staff goes to the headteacher as well (the chair of
governors when it is about the headteacher), never to the person named. With no DSL
registered, the headteacher and the office are alerted at once and the sender is told so.

The conversation after a referral stays with it for a while: it asks gently for the
child's name, class and a phone number (each can be skipped), says what happens now, and
adds whatever else is sent, files included, to the referral: none of it is taken as a
question, logged, or left for /gaps."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from handlers import buttons
from handlers.conversation import Form, Option, Step, match_option, new_draft_id
from handlers.coverage import DSL, is_registered
from handlers.evidence import receive_files
from handlers.replies import Attachment, Button, Incoming, Reply
from handlers.routing import Route, route_referral
from handlers.submission import add_files_to_case, confirmation, file_case, staff_notices
from handlers.templates import render
from handlers.turn import Turn
from knowledge.safeguarding import assess
from storage.attachments import draft_file_count
from storage.cases import Case, CaseDraft, add_case_details, case_by_reference
from storage.clock import iso
from storage.conversations import Conversation, end_conversation, save_conversation
from storage.outbox import Notice
from storage.people import OFFICE

# Everything a flow may have gathered that helps the DSL, in the case's own columns.
_CONTEXT_FIELDS = (
    "about",
    "class_name",
    "child_name",
    "parent_name",
    "incident_type",
    "platform",
    "happened_when",
    "involved",
)
FLOW = "referral"  # the conversation attached to a referral just made
ATTACHED_FOR = timedelta(hours=2)  # from the last message; then messages are questions again
ASKED = ("child_name", "class_name", "phone")  # the gentle questions, in order, each skippable
MORE = "more"  # after them: anything sent is added to the referral
SKIP = Button("Skip", buttons.encode("skip"))
DONE = Button("Done", buttons.encode("done"))
_NAMED = re.compile(r"\b(?:name is|names|name's|called)\s+([a-z][\w'-]*)", re.IGNORECASE)
_CLASS = re.compile(r"\b(reception|year\s*\d|y\s*\d|yr\s*\d)\b", re.IGNORECASE)
_WHAT_NOW = re.compile(
    r"\b(what (happens|will happen|now|next)|whats next|what do i do now|what should i do "
    r"now|who will (call|contact|ring)|will (they|someone) (call|contact|ring))\b"
)


def _stand_ins(turn: Turn, route: Route, about: str | None) -> tuple[str, ...]:
    """Who is alerted besides the route when nobody is registered as DSL: the
    headteacher (the chair when it is about the headteacher) and the office."""
    if is_registered(turn.db, DSL):
        return ()
    senior = "chair_of_governors" if about == "head" else "headteacher"
    return tuple(role for role in (senior, OFFICE) if role not in route.roles)


def _notices(turn: Turn, stand_ins: tuple[str, ...]) -> Any:
    def notices(case: Case) -> list[Notice]:
        return [
            *staff_notices(turn, case, "new"),
            *(
                Notice(
                    render(
                        "staff_notice",
                        event="stand_in",
                        case=case,
                        holder=turn.casework.holder(role),
                    ),
                    role=role,
                )
                for role in stand_ins
            ),
        ]

    return notices


def refer_now(
    turn: Turn,
    conversation: Conversation | None,
    text: str,
    attachments: tuple[Attachment, ...] = (),
    *,
    in_group: bool = False,
) -> list[Reply]:
    """File a safeguarding referral now, with `text`, the files sent with it and whatever
    the current flow had gathered (its files too); then stay with the referral. A concern
    or report it interrupts is not sent separately: the DSL has all of it, and the sender
    is told so. Written in a group, it is referred all the same, but the group is told no
    reference and the sender's private flow is not touched."""
    draft: dict[str, Any] = conversation.draft if conversation else {}
    draft_id = conversation.draft_id if conversation else new_draft_id()
    details = "\n\n".join(dict.fromkeys(filter(None, (draft.get("details"), text))))
    found = assess(details)
    allegation = found.category == "allegation_against_staff" or draft.get("about") in (
        "staff",
        "head",
    )
    about = "head" if draft.get("about") == "head" or found.about == "head" else None
    about = about or ("staff" if allegation else draft.get("about"))
    route = route_referral(about if allegation else None)
    if attachments:
        receive_files(
            turn,
            attachments,
            already=draft_file_count(turn.db, draft_id),
            draft_id=draft_id,
        )
    context = {key: draft[key] for key in _CONTEXT_FIELDS if draft.get(key)}
    context["about"] = about
    case_draft = CaseDraft(
        kind="safeguarding",
        route=route.route,
        assignee_role=route.assignee,
        details=details,
        contact_method="chat",
        **{key: value for key, value in context.items() if value},
    )
    stand_ins = _stand_ins(turn, route, about)
    case, _ = file_case(turn, case_draft, draft_id, notices=_notices(turn, stand_ins))
    sent = confirmation(
        turn,
        case,
        in_group=in_group,
        allegation=allegation,
        replaces=conversation.flow if conversation and not in_group else None,
        stand_ins=[turn.casework.holder(role) for role in stand_ins],
    )
    if in_group:
        return [sent]
    end_conversation(turn.db, turn.person.id)
    return [sent, _attach(turn, case)]


# -- the conversation after a referral -----------------------------------------------------------
def _save(turn: Turn, conversation: Conversation) -> None:
    conversation.draft["until"] = iso(turn.now + ATTACHED_FOR)
    save_conversation(turn.db, turn.person.id, conversation, turn.now)


def _next(case: Case, after: str | None) -> str:
    """The next question not yet answered on the case, or MORE."""
    answered = {"child_name": case.child_name, "class_name": case.class_name}
    later = ASKED[ASKED.index(after) + 1 :] if after in ASKED else ASKED
    return next((step for step in later if not answered.get(step)), MORE)


def _ask(turn: Turn, case: Case, step: str, note: str | None = None) -> Reply:
    if step == MORE:
        text = render("referral_next", case=case, casework=turn.casework)
        return Reply(f"{note}\n\n{text}" if note else text, (DONE,))
    classes = (
        tuple(
            Button(name, buttons.encode("pick", "class_name", str(i)))
            for i, name in enumerate(turn.casework.classes)
        )
        if step == "class_name"
        else ()
    )
    text = render("referral_ask", step=step, case=case)
    return Reply(f"{note}\n\n{text}" if note else text, (*classes, SKIP, DONE))


def _attach(turn: Turn, case: Case) -> Reply:
    """Stay with the referral just made and ask the first gentle question."""
    step = _next(case, None)
    _save(turn, Conversation(FLOW, step, new_draft_id(), {"reference": case.reference}))
    return _ask(turn, case, step)


def still_attached(turn: Turn, conversation: Conversation | None) -> Conversation | None:
    """The person's conversation, unless it is a referral's that has gone quiet for longer
    than ATTACHED_FOR (then it ends, and what they send next is a new message)."""
    if conversation is None or conversation.flow != FLOW:
        return conversation
    if datetime.fromisoformat(conversation.draft["until"]) > turn.now:
        return conversation
    end_conversation(turn.db, turn.person.id)
    return None


def _own_case(turn: Turn, conversation: Conversation) -> Case | None:
    case = case_by_reference(turn.db, conversation.draft["reference"])
    return case if case is not None and case.person_id == turn.person.id else None


def _answer(case: Case, step: str, text: str, classes: tuple[str, ...]) -> dict[str, str]:
    """What a reply to the question at `step` fills in (nothing when it does not fit)."""
    if step == "child_name":
        named = _NAMED.search(text)
        name = named.group(1).capitalize() if named else None
        bare = _CLASS.sub(" ", text).strip(" ,.;-")  # "Tom, y1": Tom, in Year 1
        name = name or (bare if bare and len(bare.split()) <= 4 else None)
        values = {"child_name": name[:80]} if name else {}
        if not case.class_name and (found := _CLASS.search(text)):
            chosen = match_option(
                re.sub(r"^(?:year|yr|y)\s*(?=\d)", "year ", found.group(1).lower()),
                [Option(str(i), c) for i, c in enumerate(classes)],
            )
            if chosen:
                values["class_name"] = chosen.label
        return values
    if step == "class_name":
        chosen = match_option(text, [Option(str(i), c) for i, c in enumerate(classes)])
        return {"class_name": chosen.label} if chosen else {}
    if step == "phone" and 7 <= sum(char.isdigit() for char in text) <= 15:
        return {"contact_method": "phone", "contact_detail": text[:40]}
    return {}


def on_message(turn: Turn, conversation: Conversation, incoming: Incoming) -> list[Reply]:
    """An answer to a gentle question, or anything else: all of it goes on the referral."""
    case = _own_case(turn, conversation)
    if case is None:
        end_conversation(turn.db, turn.person.id)
        return [Reply(render("button_expired"))]
    text = (incoming.text or "").strip()
    notes = [add_files_to_case(turn, case, incoming.attachments)] if incoming.attachments else []
    step = conversation.step
    if text and step == MORE and _WHAT_NOW.search(text.lower()):
        _save(turn, conversation)
        return [_ask(turn, case, MORE)]
    if text:
        values = _answer(case, step, text, turn.casework.classes) if step in ASKED else {}
        event = "details" if values else "message"
        add_case_details(turn.db, case, values, text, staff_notices(turn, case, event), turn.now)
        case = case_by_reference(turn.db, case.reference) or case
        notes.append(render("referral_added", case=case, values=values))
    elif not incoming.attachments:
        notes.append(render("form_not_text", media=incoming.media))
    if step in ASKED and text:
        step = _next(case, step)
    conversation.step = step
    _save(turn, conversation)
    return [_ask(turn, case, step, "\n\n".join(notes))]


def on_press(
    turn: Turn, conversation: Conversation, action: str, args: tuple[str, ...]
) -> list[Reply]:
    """Skip a question, pick a class, Done (the referral is already with the school)."""
    case = _own_case(turn, conversation)
    if case is None or action == "done":
        end_conversation(turn.db, turn.person.id)
        return [Reply(render("referral_done", case=case), _MENU)]
    step = conversation.step
    note = None
    if action == "pick" and step == "class_name" and args[0] == "class_name":
        classes = turn.casework.classes
        if args[1].isdigit() and int(args[1]) < len(classes):
            values = {"class_name": classes[int(args[1])]}
            add_case_details(
                turn.db,
                case,
                values,
                f"Class: {values['class_name']}",
                staff_notices(turn, case, "details"),
                turn.now,
            )
            case = case_by_reference(turn.db, case.reference) or case
            note = render("referral_added", case=case, values=values)
    if action in ("skip", "pick") and step in ASKED:
        step = _next(case, step)
    conversation.step = step
    _save(turn, conversation)
    return [_ask(turn, case, step, note)]


_MENU = (
    Button("My cases", buttons.encode("mycases")),
    Button("Main menu", buttons.encode("menu")),
)


def _submit(turn: Turn, conversation: Conversation) -> list[Reply]:
    return refer_now(turn, conversation, conversation.draft["details"])


FORM = Form(
    name="safeguarding",
    steps=(Step("details", "What is happening", min_chars=5),),
    submit=_submit,
    reviewed=False,  # no summary to check first: it goes the moment it is written
)


def image_note() -> str:
    """What the DSL is told when a report involves a sexual image of a child."""
    return render("safeguarding_image_note")
