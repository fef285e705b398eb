"""What the bot holds about one person, erasing it on request, and the retention sweep.

Erasure and retention share one way of anonymising a case: the link to the person becomes
the tombstone `ERASED`, and everything written (details, what would put it right, where
and when, contact details, every timeline text, messages to the parent) and every file
goes. What stays is what the governors' figures count: reference, kind, route, class,
status, stage and dates, and the timeline's events without their words."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.attachments import drop_file_rows, unlink_files
from storage.audit import record_audit
from storage.cases import Case
from storage.clock import iso
from storage.outbox import Notice, enqueue
from storage.people import ERASED

CLEARED = (
    "details",
    "outcome",
    "platform",
    "happened_when",
    "contact_method",
    "contact_detail",
    "child_name",
    "parent_name",
)
_HIDDEN_COLUMNS = {"id", "draft_id", "person_id"}
_FILE_COLUMNS = "submission_id, kind, file_name, mime_type, size, sha256, received_at"
_STAFF_ONLY = frozenset({"note"})  # internal notes
# Staff replies and outcomes: staff are told an anonymous sender is sent none of them.
_NOT_SENT_TO_ANONYMOUS = frozenset({"response", "resolved"})


def export_person(db: Database, person_id: str) -> dict[str, Any]:
    """Everything held about `person_id` that they may see: their people row, their cases
    with the timeline shown to them (staff internal notes left out, and on an anonymous
    case the replies and outcome staff were told it would not get), their files' details,
    where they stand in a flow, and the messages queued or sent to them."""
    person = next(
        db.query(
            "SELECT id, role, display_name, first_seen, last_seen FROM people WHERE id = ?",
            [person_id],
        ),
        None,
    )
    cases = []
    for row in db.table("submissions").rows_where("person_id = ?", [person_id], order_by="id"):
        hidden = _STAFF_ONLY | (_NOT_SENT_TO_ANONYMOUS if row["anonymous"] else frozenset())
        timeline = [
            entry
            for entry in db.query(
                "SELECT at, actor, event, status, text FROM timeline "
                "WHERE submission_id = ? ORDER BY id",
                [row["id"]],
            )
            if entry["event"] not in hidden
        ]
        files = list(
            db.query(
                f"SELECT {_FILE_COLUMNS} FROM attachments WHERE submission_id = ? ORDER BY id",
                [row["id"]],
            )
        )
        cases.append(
            {
                **{k: v for k, v in row.items() if k not in _HIDDEN_COLUMNS},
                "timeline": timeline,
                "files": files,
            }
        )
    drafts = list(
        db.query(
            f"SELECT {_FILE_COLUMNS} FROM attachments WHERE person_id = ? "
            "AND submission_id IS NULL ORDER BY id",
            [person_id],
        )
    )
    conversation = next(
        db.query(
            "SELECT flow, step, draft, updated_at FROM conversations WHERE person_id = ?",
            [person_id],
        ),
        None,
    )
    messages = list(
        db.query(
            "SELECT created_at, text, status, sent_at FROM outbox "
            "WHERE recipient_person = ? ORDER BY id",
            [person_id],
        )
    )
    return {
        "person": person,
        "cases": cases,
        "unsent_files": drafts,
        "conversation": conversation,
        "messages_to_you": messages,
    }


def _anonymise(db: Database, case_id: int, now: datetime) -> list[str]:
    """Anonymise one case inside the caller's transaction; the paths of its files."""
    db.execute(
        "INSERT OR IGNORE INTO people (id, role, first_seen, last_seen) "
        "VALUES (?, 'parent', ?, ?)",
        [ERASED, iso(now), iso(now)],
    )
    db.execute(
        f"UPDATE submissions SET person_id = ?, "
        f"{', '.join(f'{column} = NULL' for column in CLEARED)} WHERE id = ?",
        [ERASED, case_id],
    )
    db.execute("UPDATE timeline SET text = NULL WHERE submission_id = ?", [case_id])
    db.execute(
        "DELETE FROM outbox WHERE submission_id = ? AND recipient_person IS NOT NULL", [case_id]
    )
    return drop_file_rows(db, "submission_id = ?", [case_id])


def erase_person(
    db: Database,
    person_id: str,
    held: Collection[Case],
    now: datetime,
    *,
    audit_detail: str,
    notices: list[Notice],
) -> int:
    """Erase `person_id` except the cases in `held`: their other cases anonymised, files
    not yet sent deleted, their flow forgotten, messages to them dropped, their people row
    deleted (or, while cases are held, kept without a name). The request is audited (as
    the tombstone: the audit is kept for ever) and `notices` queued, in one transaction.
    Returns how many files were removed from disk."""
    held_ids = json.dumps([case.id for case in held])
    not_held = "NOT IN (SELECT value FROM json_each(?))"
    with db.atomic():
        paths = []
        for row in db.query(
            f"SELECT id FROM submissions WHERE person_id = ? AND id {not_held}",
            [person_id, held_ids],
        ):
            paths += _anonymise(db, row["id"], now)
        paths += drop_file_rows(db, "person_id = ? AND submission_id IS NULL", [person_id])
        db.execute("DELETE FROM conversations WHERE person_id = ?", [person_id])
        db.execute(
            f"DELETE FROM outbox WHERE recipient_person = ? AND "
            f"(submission_id IS NULL OR submission_id {not_held})",
            [person_id, held_ids],
        )
        if held:
            db.execute("UPDATE people SET display_name = NULL WHERE id = ?", [person_id])
        else:
            db.execute("DELETE FROM people WHERE id = ?", [person_id])
        record_audit(
            db,
            actor=ERASED,
            actor_role="parent",
            action="erasure_request",
            reference=None,
            allowed=True,
            now=now,
            detail=audit_detail,
        )
        enqueue(db, notices, None, now)
    return unlink_files(db, paths)


def delete_questions_before(db: Database, cutoff: datetime) -> int:
    """Delete logged questions asked before `cutoff`; how many."""
    with db.atomic():
        return db.execute("DELETE FROM questions WHERE asked_at < ?", [iso(cutoff)]).rowcount


def anonymise_cases(db: Database, cases: Collection[Case], now: datetime) -> int:
    """Anonymise these cases, then forget parents with nothing left; files removed."""
    with db.atomic():
        paths = [path for case in cases for path in _anonymise(db, case.id, now)]
        db.execute(
            "DELETE FROM people WHERE role = 'parent' AND id != ? "
            "AND id NOT IN (SELECT person_id FROM submissions) AND id NOT IN "
            "(SELECT recipient_person FROM outbox WHERE recipient_person IS NOT NULL)",
            [ERASED],
        )
    return unlink_files(db, paths)
