"""`policybot eval`: score the bot on a labelled question file, side by side with two
baselines computed in the same run (rapidfuzz WRatio and BM25 over the raw passages),
reporting what a person experiences: the right answer, a "did you mean" that holds it, a
polite decline, or (the worst) a confident wrong answer."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from knowledge.audience import audience_of
from knowledge.matcher import Matcher, policy_passages
from knowledge.normalise import clean_text
from knowledge.policy import Policy

WRATIO_ABSTAIN_BELOW = 60.0
BM25_ABSTAIN_BELOW = 3.0
# Upper edges of the confidence buckets of the reliability table.
BUCKETS = (0.2, 0.4, 0.6, 0.8, 0.9, 1.0)


@dataclass(frozen=True)
class Prediction:
    outcome: str  # "answer" | "clarify" | "decline"
    offered: tuple[str, ...] = ()  # the answer's section, or the "did you mean" choices
    confidence: float = 0.0
    action: str | None = None


Predictor = Callable[["Question"], Prediction]


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    sections: tuple[str, ...]
    asker: str | None = None
    action: str | None = None
    has_action: bool = False  # whether the file labels `action` at all

    @property
    def in_scope(self) -> bool:
        return bool(self.sections)


@dataclass
class Score:
    name: str
    total: int = 0
    in_scope: int = 0
    out_of_scope: int = 0
    top1: int = 0
    declined_out: int = 0
    declined_in: int = 0
    confident_wrong: int = 0
    one_tap: int = 0
    clarified: int = 0
    action_labelled: int = 0
    action_right: int = 0
    reliability: Counter = field(default_factory=Counter)  # (bucket, right) -> answers
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    @staticmethod
    def rate(count: int, total: int) -> float | None:
        return round(count / total, 3) if total else None

    def summary(self) -> dict[str, float | int | str | None]:
        return {
            "system": self.name,
            "top1_in_scope": self.rate(self.top1, self.in_scope),
            "out_of_scope_declined": self.rate(self.declined_out, self.out_of_scope),
            "in_scope_declined": self.rate(self.declined_in, self.in_scope),
            "confident_wrong": self.rate(self.confident_wrong, self.total),
            "right_within_one_tap": self.rate(self.one_tap, self.total),
            "clarified": self.rate(self.clarified, self.total),
            "action_right": self.rate(self.action_right, self.action_labelled),
            "questions": self.total,
            "in_scope": self.in_scope,
            "out_of_scope": self.out_of_scope,
        }

    def reliability_table(self) -> list[tuple[str, int, float | None]]:
        """Confident answers by confidence bucket: how many, and the share that was right."""
        rows, low = [], 0.0
        for high in BUCKETS:
            right, wrong = self.reliability[(high, True)], self.reliability[(high, False)]
            rows.append((f"{low:.1f}-{high:.1f}", right + wrong, self.rate(right, right + wrong)))
            low = high
        return rows


def load_questions(path: Path) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            questions.append(
                Question(
                    raw["id"],
                    raw["question"],
                    tuple(raw["sections"]),
                    raw.get("asker"),
                    raw.get("action"),
                    "action" in raw,
                )
            )
    return questions


def _bucket(confidence: float) -> float:
    return next(high for high in BUCKETS if confidence <= high)


def score(name: str, predict: Predictor, questions: Iterable[Question]) -> Score:
    result = Score(name)
    for q in questions:
        p = predict(q)
        result.total += 1
        result.clarified += p.outcome == "clarify"
        right = bool(p.offered) and p.offered[0] in q.sections
        if q.has_action:
            result.action_labelled += 1
            result.action_right += p.action == q.action
        if p.outcome == "answer":
            result.confident_wrong += not right
            result.reliability[(_bucket(p.confidence), right)] += 1
        if not q.in_scope:
            result.out_of_scope += 1
            declined = p.outcome == "decline"
            result.declined_out += declined
            result.one_tap += declined
            if not declined:
                result.misses.append((q.id, "decline", f"{p.outcome} {p.offered[0]}"))
            continue
        result.in_scope += 1
        if p.outcome == "decline":
            result.declined_in += 1
            result.misses.append((q.id, "/".join(q.sections), "decline"))
            continue
        result.top1 += right
        shown = p.offered[:1] if p.outcome == "answer" else p.offered
        result.one_tap += any(s in q.sections for s in shown)
        if not right:
            result.misses.append((q.id, "/".join(q.sections), f"{p.outcome} {p.offered[0]}"))
    return result


def asker_audience(q: Question) -> str:
    """Who the bot would take the asker to be: staff register, so a staff asker is known;
    anyone else is judged by their words, as in a private chat."""
    return "staff" if q.asker == "staff" else audience_of(q.question)


def matcher_predictor(matcher: Matcher) -> Predictor:
    def predict(q: Question) -> Prediction:
        match = matcher.match(q.question, asker_audience(q))
        if match.outcome == "decline" or match.section is None:
            return Prediction("decline", confidence=match.confidence, action=match.action)
        offered = (match.section, *(a.section for a in match.alternatives))
        return Prediction(
            match.outcome, tuple(dict.fromkeys(offered)), match.confidence, match.action
        )

    return predict


def wratio_predictor(policy: Policy) -> Predictor:
    passages = policy_passages(policy)
    texts = [clean_text(p.quote) for p in passages]

    def predict(q: Question) -> Prediction:
        found = process.extract(clean_text(q.question), texts, scorer=fuzz.WRatio, limit=20)
        if not found or found[0][1] < WRATIO_ABSTAIN_BELOW:
            return Prediction("decline")
        ranked = tuple(dict.fromkeys(passages[i].section for _, _, i in found))
        return Prediction("answer", ranked, found[0][1] / 100)

    return predict


def bm25_predictor(policy: Policy) -> Predictor:
    from rank_bm25 import BM25Okapi  # dev/bench extra: only eval needs it

    passages = policy_passages(policy)
    model = BM25Okapi([clean_text(p.quote).split() for p in passages])

    def predict(q: Question) -> Prediction:
        scores = model.get_scores(clean_text(q.question).split())
        order = sorted(range(len(passages)), key=lambda i: scores[i], reverse=True)
        if not order or scores[order[0]] < BM25_ABSTAIN_BELOW:
            return Prediction("decline")
        ranked = tuple(dict.fromkeys(passages[i].section for i in order[:20]))
        return Prediction("answer", ranked, min(1.0, scores[order[0]] / 20))

    return predict


def evaluate(
    matcher: Matcher, questions: list[Question], others: Iterable[tuple[str, Matcher]] = ()
) -> list[Score]:
    """The bot, any other matchers given (e.g. words only), and both baselines on the same
    questions, in one run."""
    systems: list[tuple[str, Predictor]] = [
        ("policybot", matcher_predictor(matcher)),
        *((name, matcher_predictor(other)) for name, other in others),
        ("wratio-passages", wratio_predictor(matcher.policy)),
    ]
    with contextlib.suppress(ImportError):
        systems.append(("bm25-passages", bm25_predictor(matcher.policy)))
    return [score(name, predict, questions) for name, predict in systems]


COLUMNS = (
    ("system", "system"),
    ("top1_in_scope", "top-1"),
    ("out_of_scope_declined", "OOS declined"),
    ("in_scope_declined", "in-scope declined"),
    ("confident_wrong", "confident wrong"),
    ("right_within_one_tap", "one tap"),
    ("clarified", "did you mean"),
    ("action_right", "action"),
)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    return lines + ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]


def format_report(scores: list[Score], name: str = "", show_misses: bool = True) -> str:
    ours = scores[0]
    counts = f"{ours.total} questions: {ours.in_scope} in scope, {ours.out_of_scope} not"
    rows = [[str(s.summary()[key]) for key, _ in COLUMNS] for s in scores]
    lines = [f"{name} ({counts})" if name else counts]
    lines += _table([label for _, label in COLUMNS], rows)
    lines += ["", "policybot reliability (confident answers by confidence: share right):"]
    lines += _table(
        ["confidence", "answers", "right"],
        [[b, str(n), "-" if r is None else str(r)] for b, n, r in ours.reliability_table()],
    )
    if show_misses and ours.misses:
        lines += ["", "policybot misses (id: expected -> got):"]
        lines += [f"  {qid}: {exp} -> {got}" for qid, exp, got in ours.misses]
    return "\n".join(lines)
