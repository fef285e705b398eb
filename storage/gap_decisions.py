"""Staff decisions on knowledge gaps, and the phrasings they accepted. Nothing here changes
a curated answer: an accepted phrasing is one more way to ask it, added when the knowledge
is built, and only a person's decision adds one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlite_utils import Database

from knowledge.curated import Phrasing
from storage.clock import iso

ACCEPTED = ("phrasing", "out_of_scope")


def record_gap_decision(
    db: Database,
    *,
    decision: str,
    question: str,
    covers: Iterable[str],
    actor: str,
    actor_role: str,
    now: datetime,
    target: str | None = None,
    pointer: str | None = None,
) -> int:
    """Store a decision on the gap whose example is `question`; `covers` are all the logged
    questions of that gap, which are then no longer listed."""
    with db.atomic():
        table = db.table("gap_decisions")
        table.insert(
            {
                "decided_at": iso(now),
                "actor": actor,
                "actor_role": actor_role,
                "decision": decision,
                "question": question,
                "target": target,
                "pointer": pointer,
            }
        )
        decision_id = int(table.last_pk or 0)
        db.table("gap_reviewed").upsert_all(
            [{"question": text, "decision_id": decision_id} for text in covers], pk="question"
        )
    return decision_id


def reviewed_questions(db: Database) -> set[str]:
    return {row["question"] for row in db.query("SELECT question FROM gap_reviewed")}


def accepted_phrasings(db: Database) -> list[Phrasing]:
    return [
        Phrasing(row["id"], row["question"], row["target"], row["pointer"])
        for row in db.query(
            "SELECT id, question, target, pointer FROM gap_decisions "
            "WHERE decision IN (?, ?) ORDER BY id",
            list(ACCEPTED),
        )
    ]


def phrasings_version(db: Database) -> tuple[int, int]:
    """Changes whenever a phrasing is accepted: cheap enough to ask before every message."""
    row = next(
        db.query(
            "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS last FROM gap_decisions "
            "WHERE decision IN (?, ?)",
            list(ACCEPTED),
        )
    )
    return row["n"], row["last"]
