"""The question-and-answer flow: a message in, an answer, a "did you mean" or a polite
decline out, always with a way on (read the section, ask a person, raise a concern)."""

from __future__ import annotations

from sqlite_utils import Database

from handlers import buttons
from handlers.replies import Button, Reply
from handlers.templates import render
from knowledge.matcher import MAX_MESSAGE_CHARS, Match
from knowledge.policy import Section
from knowledge.school import Knowledge
from storage.questions import log_question, logged_question

# The other audience an answer can be asked again for, and its button's label.
OTHER_AUDIENCE = {"parent": "staff", "pupil": "staff", "staff": "parent"}

SECTION_PAGE_CHARS = 1500


def _way_on(match: Match) -> list[Button]:
    extra = []
    if match.action == "concern":
        extra.append(Button("Raise a concern", buttons.encode("concern")))
    elif match.action == "report":
        extra.append(Button("Report an online incident", buttons.encode("report")))
    return [
        *extra,
        Button("Ask something else", buttons.encode("ask")),
        Button("Ask a person", buttons.encode("contact")),
    ]


def _section_button(section: Section, label: str | None = None) -> Button:
    return Button(
        label or f"{section.number} {section.title}", buttons.encode("sec", section.number, 1)
    )


def _feedback(token: str) -> tuple[Button, ...]:
    return (
        Button("👍 Helpful", buttons.encode("fb", token, "up")),
        Button("👎 Not helpful", buttons.encode("fb", token, "down")),
    )


def reply_to_match(
    knowledge: Knowledge,
    match: Match,
    feedback: tuple[Button, ...] = (),
    other: tuple[str, str, str] | None = None,
) -> Reply:
    """Turn the matcher's verdict into the reply a person sees; `other` (who asked, the other
    audience and the logged question's id) adds a line and a button for the answer the
    other audience gets."""
    policy = knowledge.policy
    if match.outcome == "decline":
        return Reply(
            render(
                "decline",
                policy_title=policy.title,
                topic=match.excluded.topic if match.excluded else None,
                pointer=match.excluded.pointer if match.excluded else None,
                sections=[s for s in policy.sections if "." not in s.number],
                contact=knowledge.school.contact,
            ),
            (*_way_on(match), *feedback),
        )
    if match.outcome == "clarify":
        return Reply(
            render("clarify", policy_title=policy.title, alternatives=match.alternatives),
            tuple(_section_button(policy.section(alt.section)) for alt in match.alternatives)
            + tuple(_way_on(match)),
        )
    section = policy.section(match.section or "")
    audience_button: tuple[Button, ...] = ()
    if other:
        label = render("asking_as_button", audience=other[1]).strip()
        audience_button = (Button(label, buttons.encode("as", other[1], other[2])),)
    return Reply(
        render(
            "answer",
            answer=match.entry.answer if match.entry else None,
            quote=match.quote,
            section=section,
            action=match.action,
            asked_as=other[0] if other else None,
            other_audience=other[1] if other else None,
        ),
        (
            _section_button(section, f"Read section {section.number} in full"),
            *audience_button,
            *_way_on(match),
            *feedback,
        ),
    )


def answer_question(
    knowledge: Knowledge, db: Database, text: str, audience: str = "parent"
) -> list[Reply]:
    """Answer one typed question and log it (anonymously) for the knowledge-gap report;
    an over-long one is answered from its start, and says so. Staff get staff answers,
    parents parents'; where the other audience would get a different answer, the reply
    says so with a button to see it."""
    replies = []
    if len(text) > MAX_MESSAGE_CHARS:
        replies.append(Reply(render("too_long", limit=MAX_MESSAGE_CHARS)))
    match = knowledge.matcher.match(text, audience)
    token = log_question(db, text, match.outcome, match.section, match.confidence)
    other = OTHER_AUDIENCE.get(audience)
    differs = other is not None and _differs(match, knowledge.matcher.match(text, other))
    replies.append(
        reply_to_match(
            knowledge,
            match,
            _feedback(token),
            (audience, other, token) if other and differs else None,
        )
    )
    return replies


def _differs(mine: Match, theirs: Match) -> bool:
    """Whether another audience gets a different confident answer to the same words."""
    return mine.outcome == theirs.outcome == "answer" and (mine.section, mine.entry) != (
        theirs.section,
        theirs.entry,
    )


def answer_as(knowledge: Knowledge, db: Database, token: str, audience: str) -> list[Reply]:
    """A logged question asked again as another audience ("Asking as staff? →"); [] when
    the button is stale or forged."""
    text = logged_question(db, token)
    if text is None or audience not in OTHER_AUDIENCE:
        return []
    return answer_question(knowledge, db, text, audience)


def _pages(section: Section) -> list[str]:
    """Split a section at block boundaries into pages a phone screen can take."""
    pages: list[str] = [""]
    for block in section.blocks:
        if pages[-1] and len(pages[-1]) + len(block.text) > SECTION_PAGE_CHARS:
            pages.append("")
        pages[-1] = f"{pages[-1]}\n\n{block.text}".strip()
    return pages


def show_section(knowledge: Knowledge, number: str, page: int) -> Reply | None:
    """One page of a section with paging buttons, or None if the section does not exist."""
    try:
        section = knowledge.policy.section(number)
    except KeyError:
        return None
    pages = _pages(section)
    if not 1 <= page <= len(pages):
        return None
    nav = []
    if page > 1:
        nav.append(Button("◀ Previous part", buttons.encode("sec", number, page - 1)))
    if page < len(pages):
        nav.append(Button("Next part ▶", buttons.encode("sec", number, page + 1)))
    text = render("section", section=section, page=page, pages=len(pages), body=pages[page - 1])
    return Reply(
        text,
        (
            *nav,
            Button("Ask a question", buttons.encode("ask")),
            Button("All sections", buttons.encode("policy")),
        ),
    )


def policy_index(knowledge: Knowledge) -> Reply:
    return Reply(
        render("policy_index", policy_title=knowledge.policy.title),
        tuple(_section_button(section) for section in knowledge.policy.sections),
    )
