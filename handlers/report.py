"""Reporting an online incident (policy section 7: cyberbullying, photos posted without
consent, malicious comments, impersonation, abuse of staff): what, where, when, who,
evidence with the policy's advice on keeping it, and whether to stay anonymous; routed to
the headteacher, and to the DSL as well when a pupil is involved."""

from __future__ import annotations

from typing import Any

from handlers import buttons, safeguarding
from handlers.conversation import Form, Option, Step
from handlers.replies import Button, Reply
from handlers.routing import Route, route_report
from handlers.submission import confirmation, file_case
from handlers.turn import Turn
from storage.cases import CaseDraft
from storage.conversations import Conversation, end_conversation

TYPES = (
    Option("photo", "A photo or video of a pupil posted without consent"),
    Option("bullying", "Cyberbullying"),
    Option("comments", "Malicious or abusive comments"),
    Option("fake", "A fake account or impersonation"),
    Option("staff", "Abuse of a member of staff"),
    Option("other", "Something else"),
)
INVOLVED = (
    Option("pupil", "A pupil"),
    Option("adult", "A parent or other adult"),
    Option("staff", "A member of staff"),
    Option("unsure", "Not sure"),
)
ANONYMOUS = (
    Option("no", "No, the school can reply to me"),
    Option("yes", "Yes, keep me anonymous"),
)

STEPS = (
    Step("incident_type", "What happened", "choice", lambda turn, draft: TYPES),
    Step("platform", "Where", max_chars=500),
    Step("happened_when", "When", max_chars=200),
    Step("involved", "Who is involved", "choice", lambda turn, draft: INVOLVED),
    Step(
        "evidence",
        "Evidence",
        "files",
        notes_field="details",
        extra=(
            Button("Done", buttons.encode("done")),
            Button("It involves a sexual image of a child", buttons.encode("sgimage")),
        ),
    ),
    Step(
        "anonymous",
        "Anonymous",
        "choice",
        lambda turn, draft: ANONYMOUS,
        clears=("child_name", "parent_name"),
    ),
    Step(
        "child_name",
        "Your child's name",
        max_chars=100,
        optional=True,
        needed=lambda draft: draft.get("anonymous") == "no",
    ),
    Step(
        "parent_name",
        "Your name",
        max_chars=100,
        optional=True,
        needed=lambda draft: draft.get("anonymous") == "no",
    ),
)


def _route(turn: Turn, draft: dict[str, Any]) -> Route:
    return route_report(draft.get("involved") == "pupil" or draft.get("incident_type") == "photo")


def _submit(turn: Turn, conversation: Conversation) -> list[Reply]:
    draft = conversation.draft
    route = _route(turn, draft)
    anonymous = draft["anonymous"] == "yes"
    case, _ = file_case(
        turn,
        CaseDraft(
            kind="report",
            route=route.route,
            assignee_role=route.assignee,
            incident_type=draft["incident_type"],
            platform=draft["platform"],
            happened_when=draft["happened_when"],
            involved=draft["involved"],
            details=draft.get("details"),
            anonymous=anonymous,
            contact_method=None if anonymous else "chat",
            child_name=None if anonymous else draft.get("child_name") or None,
            parent_name=None if anonymous else draft.get("parent_name") or None,
        ),
        conversation.draft_id,
    )
    end_conversation(turn.db, turn.person.id)
    return [confirmation(turn, case)]


def sexual_image(turn: Turn, conversation: Conversation) -> list[Reply]:
    """The report involves a sexual image of a child: not a report but a safeguarding
    referral, and the image must not be sent."""
    return safeguarding.refer_now(turn, conversation, safeguarding.image_note())


FORM = Form(name="report", steps=STEPS, submit=_submit, route=_route)
