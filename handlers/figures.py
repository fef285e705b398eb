"""Governors' figures by period, for the console's /report: the school year (September to
August) or a term from school.toml, cases per month by kind, and how long acknowledging
took. Counts only, like handlers/review.py, whose summary the page shows beside them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from knowledge.casework import Casework
from storage.cases import Case

# days from a case arriving to its acknowledgement, as the chart groups them
ACK_BUCKETS = ((1, "under 1 day"), (3, "1-3 days"), (7, "3-7 days"), (14, "7-14 days"))
ACK_LATER = "14 days or more"
ACK_NOT_YET = "not yet"


@dataclass(frozen=True)
class Period:
    key: str  # "all", "year-2025" (2025-26), or "term-<n>" (the n-th term in school.toml)
    label: str
    start: date | None = None
    end: date | None = None  # inclusive

    def holds(self, case: Case) -> bool:
        day = datetime.fromisoformat(case.created_at).date()
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def _school_year(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def periods(casework: Casework, cases: list[Case], today: date) -> list[Period]:
    """All time, each school year with cases (and this one), and each term."""
    years = {_school_year(today)} | {
        _school_year(datetime.fromisoformat(c.created_at).date()) for c in cases
    }
    return [
        Period("all", "All cases"),
        *(
            Period(
                f"year-{y}",
                f"School year {y}-{(y + 1) % 100:02d}",
                date(y, 9, 1),
                date(y + 1, 8, 31),
            )
            for y in sorted(years, reverse=True)
        ),
        *(
            Period(f"term-{n}", f"{t.name} ({t.start:%Y})", t.start, t.end)
            for n, t in enumerate(casework.terms, 1)
        ),
    ]


@dataclass(frozen=True)
class MonthlyCounts:
    months: list[str]  # "2026-03", oldest first, every month between the first and last
    kinds: list[str]
    counts: dict[tuple[str, str], int]  # (month, kind) -> cases

    def total(self, month: str) -> int:
        return sum(self.counts.get((month, kind), 0) for kind in self.kinds)


def per_month(cases: list[Case]) -> MonthlyCounts:
    counts = Counter((c.created_at[:7], c.kind) for c in cases)
    if not counts:
        return MonthlyCounts([], [], {})
    first, last = min(m for m, _ in counts), max(m for m, _ in counts)
    months, (year, month) = [], (int(first[:4]), int(first[5:7]))
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return MonthlyCounts(months, sorted({kind for _, kind in counts}), dict(counts))


def acknowledge_times(cases: list[Case]) -> list[tuple[str, int]]:
    """How many cases were acknowledged within each span, and how many not yet."""
    counts: Counter[str] = Counter()
    for case in cases:
        if not case.acknowledged_at:
            counts[ACK_NOT_YET] += 1
            continue
        days = (
            datetime.fromisoformat(case.acknowledged_at) - datetime.fromisoformat(case.created_at)
        ).total_seconds() / 86400
        counts[next((label for limit, label in ACK_BUCKETS if days < limit), ACK_LATER)] += 1
    labels = [label for _, label in ACK_BUCKETS] + [ACK_LATER, ACK_NOT_YET]
    return [(label, counts[label]) for label in labels]
