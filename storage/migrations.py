"""The schema, in one place, as ordered migrations. Never edit an applied migration:
add a new one below it."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("policybot")


@migrations()
def m001_questions(db: Database) -> None:
    # Question log for the knowledge-gap report. No chat identity is stored here.
    db["questions"].create(
        {
            "id": int,
            "asked_at": str,
            "text": str,
            "outcome": str,  # answer | clarify | decline
            "section": str,
            "confidence": float,
            "feedback": int,  # +1 helpful, -1 not helpful, NULL none
        },
        pk="id",
        not_null={"asked_at", "text", "outcome"},
    )
    db["questions"].create_index(["asked_at"])
