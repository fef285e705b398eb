"""A parent's rights under UK GDPR, and the school's retention periods.

`/mydata` hands over everything held about the person as a JSON file (right of access);
`/forgetme` erases it after a confirmation (right to erasure), except what the school must
keep: open cases, which it is still dealing with, and safeguarding records (a legal duty),
which stay as they are. `apply_retention` runs daily and does the same to what is past
the school's periods (school.toml [retention])."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlite_utils import Database

from handlers import buttons
from handlers.access import OFFICE, is_staff
from handlers.mycases import CLOSED
from handlers.replies import Attachment, Button, Reply
from handlers.routing import with_dsl
from handlers.templates import render
from handlers.turn import Turn
from knowledge.school import Knowledge
from storage.cases import Case, cases_closed_before, cases_of
from storage.clock import iso
from storage.outbox import Notice
from storage.privacy import anonymise_cases, delete_questions_before, erase_person, export_person

PRESSES = frozenset({"forgetok", "forgetno"})
DAYS_PER_YEAR = 365.25


def is_safeguarding(case: Case) -> bool:
    """A safeguarding referral, or a case the DSL received at any point (a pupil was
    involved): by its kind and history, not the route it has now."""
    return with_dsl(case)


def held_reason(case: Case) -> str | None:
    """Why the school must keep this case as it is ("safeguarding", "open"), or None."""
    if is_safeguarding(case):
        return "safeguarding"
    return "open" if case.status not in CLOSED else None


def my_data(turn: Turn) -> list[Reply]:
    """The person's data as a JSON document they can keep."""
    export = {
        "school": turn.knowledge.school.name,
        "exported_at": iso(turn.now),
        **export_person(turn.db, turn.person.id),
    }
    data = json.dumps(export, indent=2, ensure_ascii=False).encode()
    file = Attachment(
        "document",
        "",
        f"my-data-{turn.now.date().isoformat()}.json",
        "application/json",
        len(data),
        data,
    )
    return [Reply(render("mydata", cases=len(export["cases"])), files=(file,))]


def _staff_pointer(turn: Turn) -> list[Reply]:
    return [Reply(render("forgetme", step="staff", contact=turn.knowledge.school.contact))]


def ask_forget(turn: Turn) -> list[Reply]:
    """Say what would go and what would stay, and ask to confirm."""
    if is_staff(turn.person.role):
        return _staff_pointer(turn)
    held = [
        (case, held_reason(case))
        for case in cases_of(turn.db, turn.person.id)
        if held_reason(case)
    ]
    return [
        Reply(
            render("forgetme", step="confirm", held=held),
            (
                Button("Yes, delete my data", buttons.encode("forgetok")),
                Button("No, keep it", buttons.encode("forgetno")),
            ),
        )
    ]


def forget(turn: Turn) -> list[Reply]:
    """Erase the person's data except held cases; tell them, and the office, what stayed
    (of the cases they sent in their own name)."""
    if is_staff(turn.person.role):
        return _staff_pointer(turn)
    cases = cases_of(turn.db, turn.person.id)
    held = [(case, held_reason(case)) for case in cases if held_reason(case)]
    # What the office and the audit are told names no anonymous case: beside the person's
    # other references it would say whose it is.
    anonymised = [c.reference for c in cases if not held_reason(c) and not c.anonymous]
    kept = [f"{case.reference} ({reason})" for case, reason in held if not case.anonymous]
    notice = Notice(
        render("forgetme_notice", now=turn.now, anonymised=anonymised, kept=kept), role=OFFICE
    )
    erase_person(
        turn.db,
        turn.person.id,
        [case for case, _ in held],
        turn.now,
        audit_detail=f"anonymised: {', '.join(anonymised) or 'none'}; "
        f"kept: {', '.join(kept) or 'none'}",
        notices=[notice],
    )
    return [
        Reply(
            render(
                "forgetme",
                step="done",
                held=held,
                anonymised=len(anonymised),
                contact=turn.knowledge.school.contact,
            )
        )
    ]


def on_press(turn: Turn, action: str) -> list[Reply]:
    if action == "forgetok":
        return forget(turn)
    return [Reply(render("forgetme", step="kept"))]


def apply_retention(db: Database, knowledge: Knowledge, now: datetime) -> dict[str, int]:
    """Delete logged questions and anonymise closed cases past the school's periods (never
    open cases or safeguarding records). Safe to run again: what is done is not redone."""
    retention = knowledge.school.casework.retention
    questions = delete_questions_before(db, now - timedelta(days=retention.question_log_days))
    cutoff = now - timedelta(days=round(retention.closed_case_years * DAYS_PER_YEAR))
    due = [case for case in cases_closed_before(db, cutoff) if not is_safeguarding(case)]
    files = anonymise_cases(db, due, now)
    return {"questions_deleted": questions, "cases_anonymised": len(due), "files_deleted": files}
