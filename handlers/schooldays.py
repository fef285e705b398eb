"""School days, the unit the complaints procedure counts in: weekends, the holidays between
terms and closures inside them do not count. Outside the terms a school lists (before the
first, after the last) every weekday counts, since nothing better is known."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from knowledge.casework import Casework

SCHOOL_TIME = ZoneInfo("Europe/London")


def school_today(now: datetime) -> date:
    """The date at the school, which is what "within 5 school days" counts from."""
    return now.astimezone(SCHOOL_TIME).date()


def is_school_day(day: date, casework: Casework) -> bool:
    if day.weekday() >= 5 or day in casework.closures:
        return False
    terms = casework.terms
    if not terms or day < terms[0].start or day > terms[-1].end:
        return True
    return any(term.start <= day <= term.end for term in terms)


def add_school_days(start: date, days: int, casework: Casework) -> date:
    """The date `days` school days after `start` (the start day itself does not count)."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_school_day(day, casework)
    return day


def is_past(due: str, now: datetime) -> bool:
    """Whether a due date (a school day, "2026-03-02") or a due moment (safeguarding,
    "2026-03-02T13:30:00+00:00") has gone by."""
    if "T" in due:
        return datetime.fromisoformat(due) < now
    return due < school_today(now).isoformat()
