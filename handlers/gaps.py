"""Knowledge gaps: the questions the bot could not answer (or answered unhelpfully),
grouped by similarity so the school sees which missing answers matter most. Shown by
`policybot gaps` and, to the headteacher and office, by /gaps in the chat."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlite_utils import Database

from handlers.access import SEE_GAPS, audit
from handlers.replies import Reply
from handlers.templates import render
from handlers.turn import Turn
from storage.questions import knowledge_gaps

SIMILAR = 80  # rapidfuzz token_set_ratio at or above which two questions are one gap


@dataclass
class Gap:
    example: str  # the first question asked this way
    questions: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.questions)


def cluster(questions: list[str]) -> list[Gap]:
    """Each question joins the first gap whose example it resembles; most asked first."""
    gaps: list[Gap] = []
    for question in questions:
        gap = next(
            (
                g
                for g in gaps
                if fuzz.token_set_ratio(question.casefold(), g.example.casefold()) >= SIMILAR
            ),
            None,
        )
        if gap is None:
            gap = Gap(question)
            gaps.append(gap)
        gap.questions.append(question)
    return sorted(gaps, key=lambda g: -g.count)  # stable: ties keep first-asked order


def report(db: Database) -> str:
    return render("gaps", gaps=cluster(knowledge_gaps(db)))


def command(turn: Turn) -> list[Reply]:
    allowed = not SEE_GAPS.isdisjoint(turn.person.roles)
    audit(turn, "gaps", None, allowed)
    return [Reply(report(turn.db) if allowed else render("staff_refused"))]
