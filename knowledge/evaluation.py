"""`policybot eval`: score the matcher on a labelled question file, side by side with two
baselines computed in the same run (rapidfuzz WRatio and BM25 over the raw passages)."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from knowledge.matcher import Matcher, policy_passages
from knowledge.normalise import clean_text
from knowledge.policy import Policy

# A ranked list of section ids, or None when the system abstains.
Predictor = Callable[[str], list[str] | None]

WRATIO_ABSTAIN_BELOW = 60.0
BM25_ABSTAIN_BELOW = 3.0


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    sections: tuple[str, ...]

    @property
    def in_scope(self) -> bool:
        return bool(self.sections)


@dataclass
class Score:
    name: str
    in_scope: int = 0
    out_of_scope: int = 0
    top1: int = 0
    top3: int = 0
    declined_out: int = 0
    declined_in: int = 0
    confusion: Counter = field(default_factory=Counter)  # (expected first, predicted first)
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    def rate(self, count: int, total: int) -> float:
        return round(count / total, 3) if total else 0.0

    def summary(self) -> dict[str, float | int | str]:
        return {
            "system": self.name,
            "top1_accuracy": self.rate(self.top1, self.in_scope),
            "top3_recall": self.rate(self.top3, self.in_scope),
            "out_of_scope_declined": self.rate(self.declined_out, self.out_of_scope),
            "in_scope_declined": self.rate(self.declined_in, self.in_scope),
            "in_scope": self.in_scope,
            "out_of_scope": self.out_of_scope,
        }


def load_questions(path: Path) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            questions.append(Question(raw["id"], raw["question"], tuple(raw["sections"])))
    return questions


def score(name: str, predict: Predictor, questions: Iterable[Question]) -> Score:
    result = Score(name)
    for q in questions:
        ranked = predict(q.question)
        if not q.in_scope:
            result.out_of_scope += 1
            if ranked is None:
                result.declined_out += 1
            else:
                result.misses.append((q.id, "declined", ranked[0]))
            continue
        result.in_scope += 1
        if ranked is None:
            result.declined_in += 1
            result.misses.append((q.id, "/".join(q.sections), "declined"))
            result.confusion[(q.sections[0], "declined")] += 1
            continue
        hit1 = ranked[0] in q.sections
        result.top1 += hit1
        result.top3 += any(s in q.sections for s in ranked[:3])
        if not hit1:
            result.misses.append((q.id, "/".join(q.sections), ranked[0]))
            result.confusion[(q.sections[0], ranked[0])] += 1
    return result


def matcher_predictor(matcher: Matcher) -> Predictor:
    def predict(text: str) -> list[str] | None:
        match = matcher.match(text)
        if not match.answered or match.section is None:
            return None
        return [match.section, *(a.section for a in match.alternatives)]

    return predict


def wratio_predictor(policy: Policy) -> Predictor:
    passages = policy_passages(policy)
    texts = [clean_text(p.quote) for p in passages]

    def predict(text: str) -> list[str] | None:
        found = process.extract(clean_text(text), texts, scorer=fuzz.WRatio, limit=20)
        if not found or found[0][1] < WRATIO_ABSTAIN_BELOW:
            return None
        return list(dict.fromkeys(passages[i].section for _, _, i in found))

    return predict


def bm25_predictor(policy: Policy) -> Predictor:
    from rank_bm25 import BM25Okapi  # dev/bench extra: only eval needs it

    passages = policy_passages(policy)
    model = BM25Okapi([clean_text(p.quote).split() for p in passages])

    def predict(text: str) -> list[str] | None:
        scores = model.get_scores(clean_text(text).split())
        order = sorted(range(len(passages)), key=lambda i: scores[i], reverse=True)
        if not order or scores[order[0]] < BM25_ABSTAIN_BELOW:
            return None
        return list(dict.fromkeys(passages[i].section for i in order[:20]))

    return predict


def evaluate(matcher: Matcher, questions: list[Question]) -> list[Score]:
    """The matcher and both baselines on the same questions, in one run."""
    systems: list[tuple[str, Predictor]] = [
        ("policybot", matcher_predictor(matcher)),
        ("wratio-passages", wratio_predictor(matcher.policy)),
    ]
    with contextlib.suppress(ImportError):
        systems.append(("bm25-passages", bm25_predictor(matcher.policy)))
    return [score(name, predict, questions) for name, predict in systems]


def format_report(scores: list[Score]) -> str:
    headers = [
        "system",
        "top1_accuracy",
        "top3_recall",
        "out_of_scope_declined",
        "in_scope_declined",
    ]
    rows = [[str(s.summary()[h]) for h in headers] for s in scores]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    ours = scores[0]
    if ours.confusion:
        lines += ["", "policybot confusion (expected -> predicted: count):"]
        lines += [f"  {exp} -> {got}: {n}" for (exp, got), n in ours.confusion.most_common()]
    if ours.misses:
        lines += ["", "policybot misses (id: expected -> got):"]
        lines += [f"  {qid}: {exp} -> {got}" for qid, exp, got in ours.misses]
    return "\n".join(lines)
