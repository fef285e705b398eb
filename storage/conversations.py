"""Where each person stands in a guided flow: the flow, the step, and the draft so far.
Saved after every message, so a restart (or a second process) carries on from there."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.attachments import discard_draft_files
from storage.clock import iso


@dataclass
class Conversation:
    flow: str
    step: str
    draft_id: str  # names this draft; Submit buttons carry it, so a second press is spotted
    draft: dict[str, Any] = field(default_factory=dict)


def load_conversation(db: Database, person_id: str) -> Conversation | None:
    row = next(
        db.query(
            "SELECT flow, step, draft_id, draft FROM conversations WHERE person_id = ?",
            [person_id],
        ),
        None,
    )
    if row is None:
        return None
    return Conversation(row["flow"], row["step"], row["draft_id"], json.loads(row["draft"]))


def save_conversation(
    db: Database, person_id: str, conversation: Conversation, now: datetime
) -> None:
    db.table("conversations").upsert(
        {
            "person_id": person_id,
            "flow": conversation.flow,
            "step": conversation.step,
            "draft_id": conversation.draft_id,
            "draft": json.dumps(conversation.draft, ensure_ascii=False),
            "updated_at": iso(now),
        },
        pk="person_id",
    )


def end_conversation(db: Database, person_id: str) -> None:
    """Forget where the person stood, and any files sent with a draft that was never
    submitted (submitted ones belong to their case and stay)."""
    conversation = load_conversation(db, person_id)
    if conversation is not None:
        discard_draft_files(db, conversation.draft_id)
    db.execute("DELETE FROM conversations WHERE person_id = ?", [person_id])
