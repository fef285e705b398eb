"""Safeguarding triage: when what someone writes suggests a child is at risk, or they say the
concern is about a child's safety, it goes to the designated safeguarding lead at once, as
a safeguarding referral rather than a complaint, with "in immediate danger call 999"."""

from __future__ import annotations

from typing import Any

from handlers.conversation import Form, Step, new_draft_id
from handlers.replies import Reply
from handlers.routing import SAFEGUARDING
from handlers.submission import confirmation, file_case
from handlers.templates import render
from handlers.turn import Turn
from storage.cases import CaseDraft
from storage.conversations import Conversation, end_conversation

# Everything a flow may have gathered that helps the DSL, in the case's own columns.
_CONTEXT_FIELDS = ("about", "class_name", "incident_type", "platform", "happened_when", "involved")


def refer_now(
    turn: Turn, conversation: Conversation | None, text: str, *, in_group: bool = False
) -> list[Reply]:
    """File a safeguarding referral now, with `text` and whatever the current flow had
    gathered (its files too), and end that flow. Written in a group, it is referred all the
    same, but the group is told no reference and no flow is touched."""
    draft: dict[str, Any] = conversation.draft if conversation else {}
    details = "\n\n".join(dict.fromkeys(filter(None, (draft.get("details"), text))))
    case_draft = CaseDraft(
        kind="safeguarding",
        route=SAFEGUARDING.route,
        assignee_role=SAFEGUARDING.assignee,
        details=details,
        contact_method="chat",
        **{key: draft[key] for key in _CONTEXT_FIELDS if draft.get(key)},
    )
    case, _ = file_case(
        turn, case_draft, conversation.draft_id if conversation else new_draft_id()
    )
    if conversation is not None:
        end_conversation(turn.db, turn.person.id)
    return [confirmation(turn, case, in_group=in_group)]


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
