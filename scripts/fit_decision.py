"""Fit the answer / "did you mean" / decline decision (knowledge/decision.py) for each
encoder, cross-validated, and write knowledge/decision.json.

    .venv/bin/python scripts/fit_decision.py [ENCODER_DIR ...]

Labelled data, all of it scored on a matcher that never saw it:
- the curated phrasings themselves, in 5 folds: fold k's phrasings (and out-of-scope
  phrasings) are taken out of the knowledge base and asked as questions, so each is
  matched against its entry's other phrasings, other entries and the policy's passages
  (an entry with a single phrasing is left out whole);
- the dev set (tests/data/dev_questions.jsonl), spread over the same 5 folds.
The held-out sets are never read here.

Fitted, in order: the semantic weight (grid, best top-1 over the in-scope rows); two
logistic models (right / in scope) by Newton's method with an L2 penalty, each row's
probability predicted by the model fitted on the other 4 folds; then the two thresholds on
those out-of-fold probabilities: `decline_below` declines as many out-of-scope questions as
keeps in-scope declines at or under 4%, and `answer_at` is the lowest at which confident
wrong answers stay at or under 1.5% of the dev questions and 2% (the target) of the
curated phrasings.
The coefficients written are refitted on all rows."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from knowledge.audience import audience_of
from knowledge.curated import Curated, Entry
from knowledge.decision import DECISION_FILE, FEATURES, Decision, Logistic, Signals
from knowledge.encoder import Encoder, load_encoder
from knowledge.evaluation import load_questions
from knowledge.matcher import Matcher, collect_signals
from knowledge.school import load_sources

FOLDS = 5
ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev_questions.jsonl"
WEIGHTS = [round(w, 2) for w in np.linspace(0, 1, 21)]
MAX_IN_DECLINED = 0.04
MAX_CONFIDENT_WRONG = 0.015
MAX_CURATED_WRONG = 0.02
L2 = 1.0


@dataclasses.dataclass
class Row:
    text: str
    sections: tuple[str, ...]
    audience: str
    fold: int
    asked: bool = False  # a real question (dev set), not a curated phrasing
    scores: list = dataclasses.field(default_factory=list)
    addressed: dict = dataclasses.field(default_factory=dict)


class Memo:
    """An encoder that embeds each distinct text once across the folds."""

    def __init__(self, encoder: Encoder) -> None:
        self.name, self.fingerprint = encoder.name, encoder.fingerprint
        self._encoder, self._seen = encoder, {}

    def encode(self, texts):  # noqa: ANN001, ANN201
        missing = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if missing:
            self._seen.update(zip(missing, self._encoder.encode(missing), strict=True))
        return np.stack([self._seen[t] for t in texts]) if texts else np.zeros((0, 1))


def _fold(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % FOLDS


def _without(curated: Curated, fold: int) -> Curated:
    def keep(owner):  # noqa: ANN001, ANN202
        return tuple(q for q in owner.questions if _fold(q) != fold)

    entries = [dataclasses.replace(e, questions=keep(e)) for e in curated.entries]
    topics = [dataclasses.replace(t, questions=keep(t)) for t in curated.out_of_scope]
    return Curated(
        tuple(e for e in entries if e.questions), tuple(t for t in topics if t.questions)
    )


def _asker(entry: Entry, text: str) -> str:
    """Who would ask an entry's phrasing: staff register, so staff entries are asked as
    staff; pupils' entries as pupils; anyone else is judged by their words."""
    if "staff" in entry.audience:
        return "staff"
    return "pupil" if "pupil" in entry.audience else audience_of(text)


def labelled_rows(encoder: Encoder | None) -> list[Row]:
    _, policy, curated = load_sources()
    placeholder = _decision(0.5)
    rows: list[Row] = []
    for fold in range(FOLDS):
        matcher = Matcher(policy, _without(curated, fold), encoder, placeholder)
        held = [
            Row(q, e.sections, _asker(e, q), fold)
            for e in curated.entries
            for q in e.questions
            if _fold(q) == fold
        ]
        held += [
            Row(q, (), "parent", fold)
            for t in curated.out_of_scope
            for q in t.questions
            if _fold(q) == fold
        ]
        for row in held:
            row.scores, row.addressed = matcher.owner_scores(row.text), matcher.addressed
        rows += held
    matcher = Matcher(policy, curated, encoder, placeholder)
    for i, q in enumerate(load_questions(DEV)):
        row = Row(q.question, q.sections, audience_of(q.question), i % FOLDS, asked=True)
        row.scores, row.addressed = matcher.owner_scores(row.text), matcher.addressed
        rows.append(row)
    return rows


def _decision(weight: float) -> Decision:
    flat = Logistic(FEATURES, (0.0,) * 7, (1.0,) * 7, (0.0,) * 7, 0.0)
    return Decision(weight, flat, flat, 0.5, 0.5)


def _signals(rows: list[Row], weight: float) -> list[Signals]:
    decision = _decision(weight)
    return [collect_signals(r.scores, r.audience, decision, r.addressed) for r in rows]


def _top(signals: Signals) -> str | None:
    ordered = signals.ordered()
    return ordered[0][0] if ordered else None


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Standardise, then Newton's method on the L2-penalised log-likelihood."""
    mean, scale = x.mean(0), x.std(0) + 1e-6
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * L2
    penalty[0, 0] = 0
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = z.T @ (z * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, w[1:], float(w[0])


def _logistic(x: np.ndarray, y: np.ndarray) -> Logistic:
    mean, scale, coef, bias = fit_logistic(x, y)
    return Logistic(FEATURES, *(tuple(map(float, a)) for a in (mean, scale, coef)), bias)


def _predict(model: Logistic, x: np.ndarray) -> np.ndarray:
    return np.array([model.probability(dict(zip(FEATURES, row, strict=True))) for row in x])


def fit(encoder: Encoder | None) -> dict:
    rows = labelled_rows(encoder)
    in_scope = np.array([bool(r.sections) for r in rows])

    def top1(weight: float) -> float:
        hits = [_top(s) in r.sections for s, r in zip(_signals(rows, weight), rows, strict=True)]
        return float(np.mean(np.array(hits)[in_scope]))

    weights = WEIGHTS if encoder else [0.0]
    weight = max(weights, key=lambda w: (round(top1(w), 3), -abs(w - 0.5)))
    signals = _signals(rows, weight)
    x = np.array([[s.features()[f] for f in FEATURES] for s in signals])
    right = np.array([_top(s) in r.sections for s, r in zip(signals, rows, strict=True)], float)
    folds = np.array([r.fold for r in rows])
    p_right, p_in = np.zeros(len(rows)), np.zeros(len(rows))
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        p_right[test] = _predict(_logistic(x[train], right[train]), x[test])
        p_in[test] = _predict(_logistic(x[train], in_scope[train].astype(float)), x[test])
    decline_below = _decline_threshold(p_in, in_scope)
    kept = p_in >= decline_below
    asked = np.array([r.asked for r in rows])
    answer_at = _answer_threshold(p_right, kept, right.astype(bool), asked)
    answered = kept & (p_right >= answer_at)
    cv = {
        "rows": len(rows),
        "in_scope": int(in_scope.sum()),
        "top1_in_scope": round(float((right.astype(bool) & kept)[in_scope].mean()), 3),
        "out_of_scope_declined": round(float((~kept)[~in_scope].mean()), 3),
        "in_scope_declined": round(float((~kept)[in_scope].mean()), 3),
        "confident_wrong": round(float((answered & ~right.astype(bool)).mean()), 3),
        "answered": round(float(answered.mean()), 3),
        "dev_confident_wrong": round(float((answered & ~right.astype(bool))[asked].mean()), 3),
        "dev_answered": round(float(answered[asked].mean()), 3),
    }
    return {
        "semantic_weight": weight,
        "right": dataclasses.asdict(_logistic(x, right)),
        "in_scope": dataclasses.asdict(_logistic(x, in_scope.astype(float))),
        "answer_at": answer_at,
        "decline_below": decline_below,
        "cross_validated": cv,
    }


def _decline_threshold(p_in: np.ndarray, in_scope: np.ndarray) -> float:
    grid = [round(t, 2) for t in np.arange(0.05, 0.95, 0.01)]
    allowed = [t for t in grid if (p_in[in_scope] < t).mean() <= MAX_IN_DECLINED]
    return max(allowed, default=grid[0])


def _answer_threshold(
    p_right: np.ndarray, kept: np.ndarray, right: np.ndarray, asked: np.ndarray
) -> float:
    """The lowest threshold that keeps confident wrong answers within bounds both on real
    questions and (looser: a phrasing cut from its entry is harder than a question) on the
    curated phrasings."""
    for t in [round(t, 2) for t in np.arange(0.3, 0.99, 0.01)]:
        wrong = kept & (p_right >= t) & ~right
        if (
            wrong[asked].mean() <= MAX_CONFIDENT_WRONG
            and wrong[~asked].mean() <= MAX_CURATED_WRONG
        ):
            return t
    return 0.99


def main() -> None:
    encoders: list[Encoder | None] = [None, *(Memo(load_encoder(Path(a))) for a in sys.argv[1:])]
    fitted = {}
    for encoder in encoders:
        name = encoder.name if encoder else "lexical"
        fitted[name] = fit(encoder)
        print(name, json.dumps(fitted[name]["cross_validated"]), fitted[name]["semantic_weight"])
    DECISION_FILE.write_text(
        json.dumps(
            {
                "produced_by": "scripts/fit_decision.py " + " ".join(sys.argv[1:]),
                "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "data": "curated phrasings in 5 folds (each scored without its fold) + "
                "tests/data/dev_questions.jsonl; held-out sets never read",
                "fitted": fitted,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
