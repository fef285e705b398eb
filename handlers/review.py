"""Figures for the governors' annual review of casework and the `cases export` rows: what
came in, where it went, how it ended, and how quickly the school acknowledged and resolved
it. Counts and timings only: no parent's words or identity."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from handlers.deadlines import is_overdue
from storage.audit import AuditEntry
from storage.cases import Case

OPEN = ("open", "acknowledged", "responded")  # still being dealt with
EXPORT_FIELDS = (
    "reference",
    "kind",
    "route",
    "assignee_role",
    "status",
    "stage",
    "created_at",
    "acknowledge_by",
    "acknowledged_at",
    "respond_by",
    "resolved_at",
    "audit",
)


@dataclass(frozen=True)
class Summary:
    total: int
    by_kind: list[tuple[str, int]]
    by_route: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    median_days_to_acknowledge: float | None
    median_days_to_resolve: float | None
    overdue: int


def _days(start: str, end: str | None) -> float | None:
    if not end:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 86400


def _median(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return round(median(known), 1) if known else None


def summarise(cases: list[Case], today: date) -> Summary:
    return Summary(
        total=len(cases),
        by_kind=Counter(c.kind for c in cases).most_common(),
        by_route=Counter(c.route for c in cases).most_common(),
        by_status=Counter(c.status for c in cases).most_common(),
        median_days_to_acknowledge=_median(
            [_days(c.created_at, c.acknowledged_at) for c in cases]
        ),
        median_days_to_resolve=_median([_days(c.created_at, c.resolved_at) for c in cases]),
        overdue=sum(is_overdue(c, today) for c in cases),
    )


def export_row(case: Case, audit: list[AuditEntry]) -> dict[str, str | int | None]:
    """One CSV row: the case's handling, with its audit trail in one cell."""
    trail = "; ".join(
        f"{a.at} {a.actor} ({a.actor_role}) {a.action}{'' if a.allowed else ' REFUSED'}"
        for a in audit
    )
    return {name: trail if name == "audit" else getattr(case, name) for name in EXPORT_FIELDS}
