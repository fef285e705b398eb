"""What the school owes next on a case and by when: one rule for the inbox, the reminders
and the governors' report, so "overdue" means the same everywhere."""

from __future__ import annotations

from datetime import date, datetime

from handlers.schooldays import is_past
from storage.cases import Case


def next_deadline(case: Case) -> tuple[str, str] | None:
    """("acknowledge", date) while the case is open, ("respond", date) once acknowledged;
    None once the school has replied (the parent has the last word) or the case ended."""
    if case.status == "open":
        return "acknowledge", case.acknowledge_by or ""
    if case.status == "acknowledged":
        return "respond", case.respond_by or ""
    return None


def is_overdue(case: Case, today: date) -> bool:
    """The school still owes something whose date has passed. Given the moment (a
    datetime) rather than the day, a safeguarding deadline in hours is exact."""
    deadline = next_deadline(case)
    if deadline is None or not deadline[1]:
        return False
    if isinstance(today, datetime):
        return is_past(deadline[1], today)
    return deadline[1] < today.isoformat()
