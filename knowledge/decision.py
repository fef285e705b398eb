"""Answer, "did you mean" or decline: one decision over the lexical and semantic scores,
taken by two small logistic models fitted on labelled questions (scripts/fit_decision.py,
cross-validated; coefficients and how they were produced in knowledge/decision.json).

- `right`: the chance that the best section is the right one;
- `in_scope`: the chance that the policy covers the question at all.

The bot answers when `right` clears `answer_at`, declines when `in_scope` is under
`decline_below`, and otherwise offers the closest sections: two sections scoring alike
make `right` low (the margin is a feature), so a near-tie becomes a "did you mean"."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the matcher imports this module: types only, no cycle at run time
    from knowledge.curated import Entry, OutOfScope
    from knowledge.matcher import Passage

DECISION_FILE = Path(__file__).parent / "decision.json"
FEATURES = ("top", "margin", "topic", "topic_margin", "lexical", "semantic", "agree")


@dataclass
class Signals:
    """What the matcher found for one message: each section's best combined score (and
    its lexical and semantic parts), the owner that would answer it, and the closest
    out-of-scope topic."""

    sections: dict[str, float] = field(default_factory=dict)
    lexical: dict[str, float] = field(default_factory=dict)
    semantic: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, Entry | Passage] = field(default_factory=dict)
    _evidence_score: dict[str, float] = field(default_factory=dict)
    topic: OutOfScope | None = None
    topic_score: float = 0.0

    def consider(
        self,
        number: str,
        owner: Entry | Passage | None,
        credit: float,
        combined: float,
        lex: float,
        sem: float,
    ) -> None:
        score = combined * credit
        self.sections[number] = max(self.sections.get(number, 0.0), score)
        self.lexical[number] = max(self.lexical.get(number, 0.0), lex * credit)
        self.semantic[number] = max(self.semantic.get(number, 0.0), sem * credit)
        if owner is not None and score > self._evidence_score.get(number, -1.0):
            self._evidence_score[number] = score
            self.evidence[number] = owner

    def consider_topic(self, topic: OutOfScope, combined: float) -> None:
        if combined > self.topic_score or self.topic is None:
            self.topic, self.topic_score = topic, combined

    def ordered(self) -> list[tuple[str, float]]:
        return sorted(self.sections.items(), key=lambda pair: pair[1], reverse=True)

    def features(self) -> dict[str, float]:
        ordered = self.ordered()
        if not ordered:
            return dict.fromkeys(FEATURES, 0.0)
        best, top = ordered[0]
        second = ordered[1][1] if len(ordered) > 1 else 0.0
        by_lexical = max(self.lexical, key=self.lexical.__getitem__)
        by_semantic = max(self.semantic, key=self.semantic.__getitem__)
        return {
            "top": top,
            "margin": top - second,
            "topic": self.topic_score,
            "topic_margin": top - self.topic_score,
            "lexical": self.lexical[best],
            "semantic": self.semantic[best],
            "agree": float(by_lexical == by_semantic == best),
        }


@dataclass(frozen=True)
class Logistic:
    """p = sigmoid(bias + coef . (x - mean) / scale) over named features."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    bias: float

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.bias + sum(
            c * (values[name] - m) / s
            for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_json(cls, raw: Mapping) -> Logistic:
        return cls(
            tuple(raw["features"]),
            tuple(raw["mean"]),
            tuple(raw["scale"]),
            tuple(raw["coef"]),
            float(raw["bias"]),
        )


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "answer" | "clarify" | "decline"
    confidence: float  # the fitted chance that the best section is right


@dataclass(frozen=True)
class Decision:
    semantic_weight: float  # share of the semantic score in an owner's combined score
    right: Logistic
    in_scope: Logistic
    answer_at: float
    decline_below: float

    def combine(self, lexical: float, semantic: float) -> float:
        return (1 - self.semantic_weight) * lexical + self.semantic_weight * semantic

    def decide(self, signals: Signals) -> Verdict:
        if not signals.sections:
            return Verdict("decline", 0.0)
        features = signals.features()
        right = round(self.right.probability(features), 3)
        if self.in_scope.probability(features) < self.decline_below:
            return Verdict("decline", right)
        return Verdict("answer" if right >= self.answer_at else "clarify", right)

    @classmethod
    def from_json(cls, raw: Mapping) -> Decision:
        return cls(
            float(raw["semantic_weight"]),
            Logistic.from_json(raw["right"]),
            Logistic.from_json(raw["in_scope"]),
            float(raw["answer_at"]),
            float(raw["decline_below"]),
        )


def load_decision(encoder: str, path: Path = DECISION_FILE) -> Decision:
    """The decision fitted for this encoder ("lexical" when there is none)."""
    fitted = json.loads(path.read_text(encoding="utf-8"))["fitted"]
    if encoder not in fitted:
        raise KeyError(f"no decision fitted for encoder {encoder!r} in {path}")
    return Decision.from_json(fitted[encoder])
