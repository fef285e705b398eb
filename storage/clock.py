"""One timestamp format for everything stored, so timestamps compare correctly as text."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """`moment` in UTC to the second, e.g. 2026-03-02T09:15:00+00:00."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
