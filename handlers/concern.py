"""Raising a concern or a formal complaint through the channel the policy names (section 6:
the class teacher, the headteacher or the chair of governors, per the complaints
procedure): what it is about, which class, concern or complaint, what happened, what would
put it right, how to reply; then a summary to check and a reference to quote."""

from __future__ import annotations

import re
from typing import Any

from handlers import safeguarding
from handlers.conversation import Form, Option, Step, prompt, start
from handlers.replies import Reply
from handlers.routing import STAGE_FORMAL, STAGE_INFORMAL, Route, route_concern
from handlers.submission import confirmation, file_case
from handlers.templates import render
from handlers.turn import Turn
from knowledge.complaint_scope import excluded_topic
from knowledge.teacher_mention import about_the_teacher
from storage.cases import CaseDraft
from storage.conversations import Conversation, end_conversation, save_conversation

ABOUT = (
    Option("class", "Something in my child's class"),
    Option("staff", "A member of staff"),
    Option("school", "A whole-school matter"),
    Option("head", "The headteacher"),
    Option("chair", "The chair or a governor"),
    Option("safety", "A child's safety"),
    Option("other", "Something else"),
)
KINDS = (Option("concern", "A concern"), Option("complaint", "A formal complaint"))
CONTACT = (
    Option("chat", "Reply here in the chat"),
    Option("phone", "Phone"),
    Option("email", "Email"),
)
_PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _class_number(name: str) -> tuple[bool, int]:
    found = re.search(r"\d+", name)
    return (found is None, int(found.group()) if found else 0)


def _classes(turn: Turn, draft: dict[str, Any]) -> tuple[Option, ...]:
    """Numbered classes in number order, the others after: so Year 3 is the third button
    where it can be, and typing "3" means the same as a button number or a class name."""
    named = sorted(enumerate(turn.casework.classes), key=lambda pair: _class_number(pair[1]))
    return tuple(Option(str(i), name) for i, name in named)


def _contact_valid(draft: dict[str, Any], text: str) -> bool:
    digits = sum(char.isdigit() for char in text)
    if draft.get("contact_method") == "phone":
        return bool(_PHONE.match(text)) and 7 <= digits <= 15
    return bool(_EMAIL.match(text)) and len(text) <= 254


STEPS = (
    Step("about", "What it's about", "choice", lambda turn, draft: ABOUT, clears=("class_name",)),
    Step(
        "class_name",
        "Class",
        "choice",
        _classes,
        keeps_label=True,
        needed=lambda draft: draft.get("about") == "class",
    ),
    Step("kind", "Concern or complaint", "choice", lambda turn, draft: KINDS),
    Step("child_name", "Your child's name", min_chars=2, max_chars=100),
    Step("parent_name", "Your name", max_chars=100, optional=True),
    Step(
        "details",
        "What happened",
        min_chars=20,
        noted=lambda text: {"excluded": excluded_topic(text)},
        clears=("excluded", "scope"),
    ),
    Step(
        "scope",
        "Carry on",
        "choice",
        lambda turn, draft: (Option("carry", "Carry on with my concern"),),
        editable=False,
        needed=lambda draft: bool(draft.get("excluded")),
    ),
    Step("outcome", "What would put it right", min_chars=2),
    Step(
        "contact_method",
        "How to contact you",
        "choice",
        lambda turn, draft: CONTACT,
        clears=("contact_detail",),
    ),
    Step(
        "contact_detail",
        "Your phone or email",
        max_chars=254,
        valid=_contact_valid,
        needed=lambda draft: draft.get("contact_method") in ("phone", "email"),
    ),
)


def _route(turn: Turn, draft: dict[str, Any]) -> Route:
    class_name = draft.get("class_name")
    teacher = turn.casework.class_teachers.get(class_name) if class_name else None
    return route_concern(
        draft["about"],
        class_name,
        turn.casework,
        draft.get("kind", "concern"),
        about_teacher=about_the_teacher(draft.get("details") or "", teacher),
    )


def _after(turn: Turn, conversation: Conversation) -> list[Reply] | None:
    """A child's safety goes to the safeguarding flow; "something else" is pointed to the
    routes the complaints procedure leaves to others."""
    about = conversation.draft.get("about")
    if about == "safety":
        return start(turn, safeguarding.FORM, {"about": "safety"})
    if about == "other":  # pointers, then the same question again: still in the form
        del conversation.draft["about"]
        step = STEPS[0]
        conversation.step = step.field
        save_conversation(turn.db, turn.person.id, conversation, turn.now)
        note = render(
            "concern_elsewhere",
            casework=turn.casework,
            contact=turn.knowledge.school.contact,
            phone=turn.knowledge.school.phone,
        )
        return [prompt(turn, FORM, step, conversation, note)]
    return None


def _submit(turn: Turn, conversation: Conversation) -> list[Reply]:
    draft = conversation.draft
    route = _route(turn, draft)
    method = draft["contact_method"]
    case, _ = file_case(
        turn,
        CaseDraft(
            kind=draft["kind"],
            route=route.route,
            assignee_role=route.assignee,
            stage=STAGE_FORMAL if draft["kind"] == "complaint" else STAGE_INFORMAL,
            about=draft["about"],
            class_name=draft.get("class_name") if draft["about"] == "class" else None,
            details=draft["details"],
            outcome=draft["outcome"],
            contact_method=method,
            contact_detail=draft.get("contact_detail") if method != "chat" else None,
            child_name=draft["child_name"],
            parent_name=draft.get("parent_name") or None,
        ),
        conversation.draft_id,
    )
    end_conversation(turn.db, turn.person.id)
    return [confirmation(turn, case, why=route.why)]


FORM = Form(name="concern", steps=STEPS, submit=_submit, route=_route, after=_after)
