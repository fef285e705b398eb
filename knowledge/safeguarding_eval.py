"""Safeguarding triage measured like a classifier: on a labelled file of disclosures and
near-misses (the shared eval format: `id`, `safeguarding`, `category`, `message`), the share
of disclosures referred (recall) and the share of near-misses referred (false alarms).
Only `message` is shown to the detector."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.safeguarding import suggests_child_at_risk


@dataclass(frozen=True)
class Labelled:
    id: str
    message: str
    safeguarding: bool
    category: str


@dataclass
class TriageScore:
    disclosures: int = 0
    near_misses: int = 0
    referred: int = 0  # disclosures referred
    false_alarms: int = 0  # near-misses referred
    missed: list[tuple[str, str]] = field(default_factory=list)  # (id, category)
    alarmed: list[str] = field(default_factory=list)
    missed_by_category: Counter = field(default_factory=Counter)

    @property
    def recall(self) -> float:
        return round(self.referred / self.disclosures, 3) if self.disclosures else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return round(self.false_alarms / self.near_misses, 3) if self.near_misses else 0.0

    def summary(self) -> dict[str, float | int]:
        return {
            "recall": self.recall,
            "false_alarms": self.false_alarm_rate,
            "disclosures": self.disclosures,
            "near_misses": self.near_misses,
            "missed": len(self.missed),
            "false_alarm_count": self.false_alarms,
        }


def is_triage_file(path: Path) -> bool:
    """A safeguarding-labelled file (rather than a question file): its first record has
    `message` and `safeguarding`."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            first = json.loads(line)
            return "message" in first and "safeguarding" in first
    return False


def load_labelled(path: Path) -> list[Labelled]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            rows.append(
                Labelled(raw["id"], raw["message"], bool(raw["safeguarding"]), raw["category"])
            )
    return rows


def score_triage(
    rows: Iterable[Labelled], refers: Callable[[str], bool] = suggests_child_at_risk
) -> TriageScore:
    result = TriageScore()
    for row in rows:
        referred = refers(row.message)
        if row.safeguarding:
            result.disclosures += 1
            result.referred += referred
            if not referred:
                result.missed.append((row.id, row.category))
                result.missed_by_category[row.category] += 1
        else:
            result.near_misses += 1
            result.false_alarms += referred
            if referred:
                result.alarmed.append(row.id)
    return result


def format_triage(score: TriageScore) -> str:
    lines = [
        f"safeguarding recall      {score.recall:.3f}  "
        f"({score.referred} of {score.disclosures} disclosures referred to the DSL)",
        f"safeguarding false alarms {score.false_alarm_rate:.3f}  "
        f"({score.false_alarms} of {score.near_misses} near-misses referred)",
    ]
    if score.missed:
        lines.append("missed (id: category): " + ", ".join(f"{i}: {c}" for i, c in score.missed))
    if score.alarmed:
        lines.append("false alarms (id): " + ", ".join(score.alarmed))
    return "\n".join(lines)
