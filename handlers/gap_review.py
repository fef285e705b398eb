"""Gaps that teach the bot, with a person in the loop: staff attach a question the bot
could not answer to an existing curated answer as a new phrasing, mark it out of scope
with a pointer, or dismiss it. Accepted phrasings are stored, audited, loaded with the
curated answers (the running bot rebuilds its knowledge when they change, see
LiveKnowledge) and can be written back into answers.toml. No answer's text ever changes."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlite_utils import Database

from handlers.access import SEE_GAPS, audit
from handlers.gaps import Gap, cluster
from handlers.turn import Turn
from knowledge.curated import merge_phrasings
from knowledge.school import Knowledge, with_phrasings
from storage.gap_decisions import (
    accepted_phrasings,
    phrasings_version,
    record_gap_decision,
    reviewed_questions,
)
from storage.questions import knowledge_gaps

DECISIONS = ("phrasing", "out_of_scope", "dismissed")
MAX_PHRASING = 300
MAX_POINTER = 500


class GapDecisionError(ValueError):
    """The decision cannot be taken as asked; the message is a key of the console's error
    page wording (templates/web/error.html) that says why."""


class LiveKnowledge:
    """The school's knowledge with the accepted phrasings, rebuilt when they change: one
    cheap query per use, a rebuild only after a decision."""

    def __init__(self, base: Knowledge, db: Database) -> None:
        self.base = base
        self.db = db
        self._version: tuple[int, int] = (0, 0)
        self._current = base

    def current(self) -> Knowledge:
        version = phrasings_version(self.db)
        if version != self._version:
            self._current = with_phrasings(self.base, accepted_phrasings(self.db))
            self._version = version
        return self._current


def open_gaps(db: Database) -> list[Gap]:
    """Knowledge gaps nobody has decided about yet, grouped, most asked first."""
    reviewed = reviewed_questions(db)
    return cluster([q for q in knowledge_gaps(db) if q not in reviewed])


@dataclass(frozen=True)
class Decision:
    example: str  # the gap, by its example question
    decision: str  # one of DECISIONS
    target: str | None = None  # an entry id (phrasing) or out-of-scope id
    pointer: str | None = None  # out of scope, a new topic: where to go instead
    phrasing: str | None = None  # the wording to accept, if tidied (default the example)


def _checked(turn: Turn, decision: Decision) -> tuple[Gap, str | None, str | None, str]:
    # compared with spaces collapsed: a browser sends a hidden field's line breaks as CRLF
    asked = " ".join(decision.example.split())
    gap = next((g for g in open_gaps(turn.db) if " ".join(g.example.split()) == asked), None)
    if gap is None:
        raise GapDecisionError("gap-closed")
    text = " ".join((decision.phrasing or decision.example).split())
    if not text or len(text) > MAX_PHRASING:
        raise GapDecisionError("gap-phrasing")
    curated = turn.knowledge.curated
    target, pointer = decision.target or None, (decision.pointer or "").strip() or None
    if decision.decision == "phrasing":
        if target not in {e.id for e in curated.entries}:
            raise GapDecisionError("gap-answer")
        return gap, target, None, text
    if decision.decision == "out_of_scope":
        if target and target not in {t.id for t in curated.out_of_scope}:
            raise GapDecisionError("gap-topic")
        if not target and not pointer:
            raise GapDecisionError("gap-topic")
        if pointer and len(pointer) > MAX_POINTER:
            raise GapDecisionError("gap-pointer")
        return gap, target, None if target else pointer, text
    if decision.decision == "dismissed":
        return gap, None, None, text
    raise GapDecisionError("gap-unknown")


def decide(turn: Turn, decision: Decision) -> None:
    """Record a person's decision on a gap (headteacher and office), audited; raises
    PermissionError for other roles and GapDecisionError for a decision that cannot be."""
    role = next((held for held in turn.person.roles if held in SEE_GAPS), None)
    if role is None:
        audit(turn, f"gap-{decision.decision}"[:32], None, False)
        raise PermissionError(f"{turn.person.role} may not decide gaps")
    turn = replace(turn, person=replace(turn.person, role=role, also=()))
    gap, target, pointer, text = _checked(turn, decision)
    record_gap_decision(
        turn.db,
        decision=decision.decision,
        question=text,
        covers=gap.questions,
        actor=turn.person.id,
        actor_role=turn.person.role,
        now=turn.now,
        target=target,
        pointer=pointer,
    )
    audit(turn, f"gap-{decision.decision}", None, True, detail=target or pointer or text)


def answers_toml(knowledge: Knowledge, db: Database) -> str:
    """The school's answers file with every accepted phrasing written in."""
    text = knowledge.school.answers_file.read_text(encoding="utf-8")
    return merge_phrasings(text, accepted_phrasings(db))
