"""The anonymous question log and the 👍/👎 feedback on answers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

MAX_LOGGED_CHARS = 1000


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def log_question(
    db: Database, text: str, outcome: str, section: str | None, confidence: float
) -> int:
    """Record a question (without who asked it) and return its id for feedback."""
    table = db["questions"]
    table.insert(
        {
            "asked_at": now(),
            "text": text[:MAX_LOGGED_CHARS],
            "outcome": outcome,
            "section": section,
            "confidence": confidence,
        }
    )
    return int(table.last_pk)


def record_feedback(db: Database, question_id: int, helpful: bool) -> bool:
    """Store 👍/👎 on a logged question; False when there is no such question."""
    rows = db.execute(
        "UPDATE questions SET feedback = ? WHERE id = ?", [1 if helpful else -1, question_id]
    ).rowcount
    db.conn.commit()
    return rows == 1


def logged_question(db: Database, question_id: int) -> str | None:
    """The text of a logged question (to ask it again from a button), or None."""
    rows = list(db.query("SELECT text FROM questions WHERE id = ?", [question_id]))
    return rows[0]["text"] if rows else None


def knowledge_gaps(db: Database) -> list[str]:
    """Questions the bot declined or could only guess at ("did you mean"), or whose answer
    got 👎: what the knowledge base lacks."""
    return [
        row["text"]
        for row in db.query(
            "SELECT text FROM questions WHERE outcome IN ('decline', 'clarify') "
            "OR feedback = -1 ORDER BY id"
        )
    ]
