"""How long the school keeps what the bot holds, from school.toml's [retention] table.

UK GDPR wants each kind of record kept no longer than its purpose needs; the school sets
the periods, and `handlers.privacy.apply_retention` enforces them every day. Every key is
optional with a stated default; a key that is present but wrong is an error naming it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LIMITS = {"question_log_days": (1, 3650), "closed_case_years": (1, 25)}


@dataclass(frozen=True)
class Retention:
    question_log_days: int = 365  # logged questions (no identity) are deleted after this
    closed_case_years: int = 6  # closed or withdrawn cases (and their files) anonymised after


def load_retention(table: Mapping[str, Any]) -> Retention:
    """Retention settings from [retention]; ValueError names the bad key."""
    if not isinstance(table, Mapping):
        raise ValueError("[retention] must be a table")
    unknown = set(table) - set(LIMITS)
    if unknown:
        raise ValueError(f"[retention] has unknown key '{sorted(unknown)[0]}'")
    values = {}
    for key, (low, high) in LIMITS.items():
        value = table.get(key, getattr(Retention, key))
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(f"[retention] '{key}' must be a whole number, {low} to {high}")
        values[key] = value
    return Retention(**values)
