"""Submissions (concerns, complaints, reports, safeguarding referrals) and their timeline.

Each change is one transaction together with its timeline entry and the notifications it
causes, so a case never exists without its staff notification, nor a status without the
history that explains it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from sqlite_utils import Database

from storage.attachments import link_draft_files
from storage.clock import iso
from storage.outbox import Notice, enqueue
from storage.people import ERASED, remember_person


@dataclass(frozen=True, kw_only=True)
class CaseDraft:
    """What a flow hands over to be stored."""

    kind: str
    route: str
    assignee_role: str
    stage: int = 0
    acknowledge_by: str | None = None
    respond_by: str | None = None
    about: str | None = None
    class_name: str | None = None
    details: str | None = None
    outcome: str | None = None
    incident_type: str | None = None
    platform: str | None = None
    happened_when: str | None = None
    involved: str | None = None
    contact_method: str | None = None
    contact_detail: str | None = None
    child_name: str | None = None
    parent_name: str | None = None
    anonymous: bool = False


@dataclass(frozen=True, kw_only=True)
class Case(CaseDraft):
    id: int
    reference: str
    year: int
    seq: int
    draft_id: str | None
    person_id: str
    status: str
    created_at: str
    updated_at: str
    acknowledged_at: str | None = None
    resolved_at: str | None = None
    passed_by: str | None = None  # staff roles ("+"-joined) that passed it up
    dsl_involved: bool = False  # the DSL has been on its route at some point


@dataclass(frozen=True)
class TimelineEntry:
    at: str
    actor: str  # "parent", a staff role, or "bot"
    event: str  # submitted | message | attachment | response | escalated | withdrawn |
    # acknowledged | note (staff only) | resolved
    status: str | None
    text: str | None


def _case(row: dict) -> Case:
    names = {f.name for f in fields(Case)}
    values = {key: value for key, value in row.items() if key in names}
    return Case(
        **{
            **values,
            "anonymous": bool(row["anonymous"]),
            "dsl_involved": bool(row.get("dsl_involved")),
        }
    )


def _with_dsl(kind: str, route: str) -> bool:
    return kind == "safeguarding" or "dsl" in route.split("+")


def _one(db: Database, where: str, params: list) -> Case | None:
    row = next(db.table("submissions").rows_where(where, params), None)
    return _case(row) if row else None


def case_by_reference(db: Database, reference: str) -> Case | None:
    """The case a reference names, however it is typed ("bh-2026-0042" too)."""
    return _one(db, "reference = ? COLLATE NOCASE", [reference.strip()])


def case_by_draft(db: Database, draft_id: str) -> Case | None:
    return _one(db, "draft_id = ?", [draft_id])


def cases_of(db: Database, person_id: str) -> list[Case]:
    """A person's own cases, newest first."""
    return [
        _case(row)
        for row in db.table("submissions").rows_where(
            "person_id = ?", [person_id], order_by="id desc"
        )
    ]


def all_cases(db: Database) -> list[Case]:
    return [_case(row) for row in db.table("submissions").rows_where(order_by="id")]


def cases_since(db: Database, since: str) -> list[Case]:
    """Cases created on or after `since` (an ISO date), oldest first."""
    return [
        _case(row)
        for row in db.table("submissions").rows_where("created_at >= ?", [since], order_by="id")
    ]


def open_cases(db: Database) -> list[Case]:
    """Cases still being dealt with (not withdrawn or closed), oldest first."""
    return [
        _case(row)
        for row in db.table("submissions").rows_where(
            "status NOT IN ('withdrawn', 'closed')", order_by="id"
        )
    ]


def cases_closed_before(db: Database, cutoff: datetime) -> list[Case]:
    """Closed or withdrawn cases, not yet anonymised, that ended before `cutoff`."""
    return [
        _case(row)
        for row in db.table("submissions").rows_where(
            "status IN ('closed', 'withdrawn') AND person_id != ? "
            "AND COALESCE(resolved_at, updated_at) < ?",
            [ERASED, iso(cutoff)],
            order_by="id",
        )
    ]


def timeline_of(db: Database, case_id: int) -> list[TimelineEntry]:
    return [
        TimelineEntry(row["at"], row["actor"], row["event"], row["status"], row["text"])
        for row in db.table("timeline").rows_where("submission_id = ?", [case_id], order_by="id")
    ]


def _log(
    db: Database,
    case_id: int,
    actor: str,
    event: str,
    now: datetime,
    text: str | None = None,
    status: str | None = None,
) -> None:
    db.table("timeline").insert(
        {
            "submission_id": case_id,
            "at": iso(now),
            "actor": actor,
            "event": event,
            "status": status,
            "text": text,
        }
    )


def record_submission(
    db: Database,
    draft: CaseDraft,
    *,
    draft_id: str,
    person_id: str,
    person_role: str,
    person_name: str | None,
    reference_prefix: str,
    year: int,
    now: datetime,
    notices: Callable[[Case], list[Notice]],
) -> tuple[Case, bool]:
    """Store a submission with a new reference (prefix-year-sequence), its first timeline
    entry, the files sent with its draft and its notifications. Submitting the same draft
    again returns the case already stored, and False."""
    with db.atomic():
        existing = case_by_draft(db, draft_id)
        if existing is not None:
            return existing, False
        remember_person(db, person_id, person_role, person_name, now)
        seq = next(
            db.query(
                "SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM submissions WHERE year = ?", [year]
            )
        )["seq"]
        table = db.table("submissions")
        table.insert(
            {
                **asdict(draft),
                "reference": f"{reference_prefix}-{year}-{seq:04d}",
                "year": year,
                "seq": seq,
                "draft_id": draft_id,
                "person_id": person_id,
                "status": "open",
                "dsl_involved": int(_with_dsl(draft.kind, draft.route)),
                "created_at": iso(now),
                "updated_at": iso(now),
            }
        )
        case = _case(table.get(table.last_pk or 0))
        _log(db, case.id, "parent", "submitted", now, status="open")
        link_draft_files(db, draft_id, case.id)
        enqueue(db, notices(case), case.id, now)
    return case, True


def _change(db: Database, case: Case, values: dict, now: datetime) -> None:
    db.table("submissions").update(case.id, {**values, "updated_at": iso(now)})


def add_case_message(
    db: Database,
    case: Case,
    text: str,
    notices: list[Notice],
    now: datetime,
    actor: str = "parent",
    event: str = "message",
) -> None:
    """More information (or a note that files were added) on an existing case."""
    with db.atomic():
        _log(db, case.id, actor, event, now, text=text)
        _change(db, case, {}, now)
        enqueue(db, notices, case.id, now)


# What a referral's follow-up questions may fill in on the case.
REFERRAL_DETAILS = frozenset({"child_name", "class_name", "contact_method", "contact_detail"})


def add_case_details(
    db: Database,
    case: Case,
    values: dict[str, str],
    text: str,
    notices: list[Notice],
    now: datetime,
) -> None:
    """Details the sender adds after filing (the child's name, class, a phone number), with
    a timeline entry saying what was added and the notifications it causes."""
    unknown = set(values) - REFERRAL_DETAILS
    if unknown:
        raise ValueError(f"not a detail a sender may add: {sorted(unknown)[0]}")
    with db.atomic():
        _log(db, case.id, "parent", "message", now, text=text)
        _change(db, case, dict(values), now)
        enqueue(db, notices, case.id, now)


def withdraw_case(db: Database, case: Case, notices: list[Notice], now: datetime) -> None:
    with db.atomic():
        _change(db, case, {"status": "withdrawn"}, now)
        _log(db, case.id, "parent", "withdrawn", now, status="withdrawn")
        enqueue(db, notices, case.id, now)


def escalate_case(
    db: Database,
    case: Case,
    *,
    assignee_role: str,
    route: str,
    stage: int,
    acknowledge_by: str,
    respond_by: str,
    notices: list[Notice],
    now: datetime,
    actor: str = "parent",
    passed_by: str | None = None,
) -> None:
    """The case moves on to someone else: the parent says it is not resolved (the next
    stage), or a member of staff passes it up (`actor` is then their role, and `passed_by`
    the roles that have passed it up so far)."""
    with db.atomic():
        _change(
            db,
            case,
            {
                "assignee_role": assignee_role,
                "route": route,
                "stage": stage,
                "status": "open",
                "acknowledge_by": acknowledge_by,
                "respond_by": respond_by,
                "passed_by": passed_by,
                "dsl_involved": int(case.dsl_involved or _with_dsl(case.kind, route)),
            },
            now,
        )
        _log(
            db,
            case.id,
            actor,
            "escalated",
            now,
            status="open",
            text=f"stage {stage}: {assignee_role}",
        )
        enqueue(db, notices, case.id, now)


def record_staff_response(
    db: Database, case: Case, role: str, text: str, notices: list[Notice], now: datetime
) -> None:
    """A member of staff's reply to the parent; the case is then "responded"."""
    with db.atomic():
        _change(db, case, {"status": "responded"}, now)
        _log(db, case.id, role, "response", now, text=text, status="responded")
        enqueue(db, notices, case.id, now)


def acknowledge_case(
    db: Database, case: Case, role: str, notices: list[Notice], now: datetime
) -> None:
    """Staff have picked the case up: the acknowledge deadline is met."""
    with db.atomic():
        _change(db, case, {"status": "acknowledged", "acknowledged_at": iso(now)}, now)
        _log(db, case.id, role, "acknowledged", now, status="acknowledged")
        enqueue(db, notices, case.id, now)


def resolve_case(
    db: Database, case: Case, role: str, outcome: str, notices: list[Notice], now: datetime
) -> None:
    """Staff close the case with the outcome they record."""
    with db.atomic():
        _change(db, case, {"status": "closed", "resolved_at": iso(now)}, now)
        _log(db, case.id, role, "resolved", now, text=outcome, status="closed")
        enqueue(db, notices, case.id, now)
