"""The casework clock: `casework_tick` runs every minute (a Telegram JobQueue job) and
queues, each at most once, a reminder when a deadline is one school day away, an
escalation notice to the next person up and an update to the parent when it has passed,
a morning digest for each staff role with open cases, and a weekly reminder to the
headteacher once the policy is past its review date. Safeguarding referrals run on the
clock instead, every day, holidays included: a reminder to the DSL an hour after a referral
nobody has picked up, and a notice to the headteacher (the chair, when it is about the
headteacher) once its hours have passed. Once a day it also applies the school's retention
periods (handlers/privacy.py)."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from handlers.access import OFFICE, may_handle, routed_roles
from handlers.deadlines import next_deadline
from handlers.privacy import apply_retention
from handlers.routing import next_up
from handlers.schooldays import (
    SCHOOL_TIME,
    add_school_days,
    is_past,
    is_school_day,
    school_today,
)
from handlers.submission import SAFEGUARDING_REMIND_AFTER
from handlers.templates import render
from knowledge.school import Knowledge
from storage.cases import Case, open_cases
from storage.outbox import Notice
from storage.reminders import queue_once

DIGEST_HOUR = 7  # school time: the digest waits for the morning


def _case_notices(db: Database, knowledge: Knowledge, case: Case, now: datetime) -> int:
    casework = knowledge.school.casework
    deadline = next_deadline(case)
    if deadline is None or not deadline[1]:
        return 0
    what, due = deadline
    today = school_today(now)
    occasion = f"{case.reference}:{what}:{due}"
    if add_school_days(today, 1, casework).isoformat() == due:
        notice = Notice(
            render(
                "reminder",
                event="due_soon",
                case=case,
                what=what,
                due=due,
                holder=casework.holder(case.assignee_role),
            ),
            role=case.assignee_role,
        )
        return queue_once(db, f"due-soon:{occasion}", [notice], case.id, now)
    if due >= today.isoformat():
        return 0
    onward = next_up(case.assignee_role, case.about, casework) or OFFICE
    notices = [
        Notice(
            render(
                "reminder",
                event="overdue",
                case=case,
                what=what,
                due=due,
                holder=casework.holder(onward),
                handler=casework.holder(case.assignee_role),
            ),
            role=onward,
        )
    ]
    if not case.anonymous:
        notices.append(
            Notice(
                render(
                    "reminder",
                    event="parent_late",
                    case=case,
                    what=what,
                    due=due,
                    school_name=knowledge.school.name,
                ),
                person_id=case.person_id,
            )
        )
    return queue_once(db, f"overdue:{occasion}", notices, case.id, now)


def _safeguarding_notices(db: Database, knowledge: Knowledge, case: Case, now: datetime) -> int:
    """Calendar hours: remind the DSL after an hour unacknowledged; tell the next person
    up (never the person it is about) once the deadline has passed."""
    casework = knowledge.school.casework
    deadline = next_deadline(case)
    if deadline is None or not deadline[1]:
        return 0
    what, due = deadline
    holder = casework.holder(case.assignee_role)
    if is_past(due, now):
        onward = next_up(case.assignee_role, case.about, casework) or OFFICE
        notice = Notice(
            render(
                "reminder",
                event="sg_overdue",
                case=case,
                what=what,
                due=due,
                holder=casework.holder(onward),
                handler=holder,
            ),
            role=onward,
        )
        return queue_once(db, f"sg-overdue:{case.reference}:{what}:{due}", [notice], case.id, now)
    created = datetime.fromisoformat(case.created_at)
    if what == "acknowledge" and now >= created + SAFEGUARDING_REMIND_AFTER:
        notice = Notice(
            render("reminder", event="sg_waiting", case=case, due=due, holder=holder),
            role=case.assignee_role,
        )
        return queue_once(db, f"sg-waiting:{case.reference}:{due}", [notice], case.id, now)
    return 0


def _digests(db: Database, knowledge: Knowledge, cases: list[Case], now: datetime) -> int:
    casework, today = knowledge.school.casework, school_today(now)
    roles = sorted({role for case in cases for role in routed_roles(case)} - {OFFICE})
    queued = 0
    for role in roles:
        mine = [case for case in cases if may_handle(role, case)]
        if mine:
            notice = Notice(
                render("reminder", event="digest", cases=mine, holder=casework.holder(role)),
                role=role,
            )
            queued += queue_once(db, f"digest:{role}:{today}", [notice], None, now)
    return queued


def casework_tick(db: Database, knowledge: Knowledge, now: datetime) -> int:
    """Queue whatever is due now and was not queued before; returns how many occasions."""
    today = school_today(now)
    if queue_once(db, f"retention:{today}", [], None, now):  # recorded once, like a digest
        apply_retention(db, knowledge, now)
    queued = 0
    review = knowledge.policy.review_date
    if review is not None and review < today:
        year, week, _ = today.isocalendar()
        notice = Notice(
            render(
                "reminder", event="policy_review", review=review, policy=knowledge.policy.title
            ),
            role="headteacher",
        )
        queued += queue_once(db, f"policy-review:{year}-W{week:02d}", [notice], None, now)
    cases = open_cases(db)
    referrals = [case for case in cases if case.kind == "safeguarding"]
    queued += sum(_safeguarding_notices(db, knowledge, case, now) for case in referrals)
    if not is_school_day(today, knowledge.school.casework):
        return queued
    queued += sum(
        _case_notices(db, knowledge, case, now) for case in cases if case.kind != "safeguarding"
    )
    if now.astimezone(SCHOOL_TIME).hour >= DIGEST_HOUR:
        queued += _digests(db, knowledge, cases, now)
    return queued
