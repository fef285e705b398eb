"""Raising a concern or a formal complaint through the channel the policy names (section 6:
the class teacher, the headteacher or the chair of governors, per the complaints
procedure): what it is about, which class, concern or complaint, what happened, what would
put it right, how to reply; then a summary to check and a reference to quote."""

from __future__ import annotations

import re
from typing import Any

from handlers import buttons, safeguarding
from handlers.conversation import Form, Option, Step, start
from handlers.replies import Button, Reply
from handlers.routing import STAGE_FORMAL, STAGE_INFORMAL, Route, route_concern
from handlers.submission import confirmation, file_case
from handlers.templates import render
from handlers.turn import Turn
from knowledge.complaint_scope import excluded_topic
from storage.cases import CaseDraft
from storage.conversations import Conversation, end_conversation

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


def _classes(turn: Turn, draft: dict[str, Any]) -> tuple[Option, ...]:
    return tuple(Option(str(i), name) for i, name in enumerate(turn.casework.classes))


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
    return route_concern(draft["about"], draft.get("class_name"), turn.casework)


def _after(turn: Turn, conversation: Conversation) -> list[Reply] | None:
    """A child's safety goes to the safeguarding flow; "something else" is pointed to the
    routes the complaints procedure leaves to others."""
    about = conversation.draft.get("about")
    if about == "safety":
        return start(turn, safeguarding.FORM, {"about": "safety"})
    if about == "other":
        end_conversation(turn.db, turn.person.id)
        return [
            Reply(
                render(
                    "concern_elsewhere",
                    casework=turn.casework,
                    contact=turn.knowledge.school.contact,
                ),
                (
                    Button("Raise a concern", buttons.encode("concern")),
                    Button("Ask a person", buttons.encode("contact")),
                ),
            )
        ]
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
        ),
        conversation.draft_id,
    )
    end_conversation(turn.db, turn.person.id)
    return [confirmation(turn, case)]


FORM = Form(name="concern", steps=STEPS, submit=_submit, route=_route, after=_after)
