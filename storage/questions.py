"""The anonymous question log and the 👍/👎 feedback on answers."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlite_utils import Database

MAX_LOGGED_CHARS = 1000


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def log_question(
    db: Database, text: str, outcome: str, section: str | None, confidence: float
) -> str:
    """Record a question (without who asked it); the token its feedback buttons carry,
    random so that no one can vote on a question they were not answered."""
    token = secrets.token_hex(8)
    db.table("questions").insert(
        {
            "asked_at": now(),
            "text": text[:MAX_LOGGED_CHARS],
            "outcome": outcome,
            "section": section,
            "confidence": confidence,
            "feedback_token": token,
        }
    )
    return token


def record_feedback(db: Database, token: str, helpful: bool) -> bool:
    """Store 👍/👎 on the question answered with `token`; False when there is none."""
    rows = db.execute(
        "UPDATE questions SET feedback = ? WHERE feedback_token = ?", [1 if helpful else -1, token]
    ).rowcount
    return rows == 1


def logged_question(db: Database, token: str) -> str | None:
    """The text of the question answered with `token` (to ask it again from a button)."""
    rows = list(db.query("SELECT text FROM questions WHERE feedback_token = ?", [token]))
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
