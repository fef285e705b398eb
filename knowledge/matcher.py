"""Match a message to policy sections: curated phrasings and the policy's own passages are
scored together, and a calibrated confidence decides between answering, asking "did you
mean", and declining.

Scoring is IDF-weighted word overlap (so rare, telling words like "whatsapp" or "friend
request" count for more than "school") blended with rapidfuzz similarity of the normalised
strings, which absorbs word order and leftover typos. An inverted index keeps the work
proportional to the documents that share a word with the message."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from knowledge.curated import Curated, Entry, OutOfScope
from knowledge.intent import detect_action
from knowledge.normalise import tokens
from knowledge.policy import Policy

# A confident answer needs this much; below DECLINE_BELOW the bot declines.
ANSWER_AT = 0.55
DECLINE_BELOW = 0.30
MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class Alternative:
    section: str
    title: str
    confidence: float


@dataclass(frozen=True)
class Match:
    """The matcher's verdict for one message."""

    question: str
    outcome: str  # "answer" | "clarify" | "decline"
    confidence: float
    entry: Entry | None = None
    section: str | None = None
    title: str | None = None
    alternatives: tuple[Alternative, ...] = ()
    action: str | None = None
    excluded: OutOfScope | None = None
    quote: str | None = None  # the policy's own words the answer rests on

    @property
    def answered(self) -> bool:
        return self.outcome != "decline"


@dataclass(frozen=True)
class Passage:
    """A paragraph, or one bullet with its list's lead-in, of one section."""

    section: str
    text: str  # what is matched: title and lead-in give the words context
    quote: str  # what is shown: the policy's own words


@dataclass
class _Doc:
    owner: Entry | OutOfScope | Passage
    tokens: frozenset[str]
    text: str
    weight: float = 1.0


@dataclass
class _Index:
    docs: list[_Doc] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    idf: dict[str, float] = field(default_factory=dict)
    mass: list[float] = field(default_factory=list)


def policy_passages(policy: Policy) -> list[Passage]:
    """Each paragraph and each bullet (with its list's lead-in) of every section."""
    out: list[Passage] = []
    for section in policy.sections:
        lead = section.title
        for block in section.blocks:
            if block.kind == "paragraph":
                text = block.items[0]
                out.append(Passage(section.number, f"{section.title}. {text}", text))
                lead = text
            else:
                out.extend(Passage(section.number, f"{lead} {item}", item)
                           for item in block.items)
    return out


class Matcher:
    """Answers `match(text) -> Match` over one policy and its curated entries."""

    def __init__(self, policy: Policy, curated: Curated) -> None:
        self.policy = policy
        self.curated = curated
        self._index = _Index()
        for entry in curated.entries:
            for question in entry.questions:
                self._add(entry, question, 1.0)
            self._add(entry, entry.answer, 0.8)
        for topic in curated.out_of_scope:
            for question in topic.questions:
                self._add(topic, question, 1.0)
        for passage in policy_passages(policy):
            self._add(passage, passage.text, 0.85)
        self._finish_index()
        self._vocabulary = sorted(self._index.idf)
        self._texts = [doc.text for doc in self._index.docs]

    # -- building ---------------------------------------------------------------------------
    def _add(self, owner: Entry | OutOfScope | Passage, text: str, weight: float) -> None:
        words = tokens(text)
        if words:
            self._index.docs.append(_Doc(owner, frozenset(words), " ".join(words), weight))

    def _finish_index(self) -> None:
        index = self._index
        frequency: dict[str, int] = defaultdict(int)
        for i, doc in enumerate(index.docs):
            for word in doc.tokens:
                index.postings[word].append(i)
                frequency[word] += 1
        total = len(index.docs)
        index.idf = {w: math.log(1 + (total - n + 0.5) / (n + 0.5)) for w, n in frequency.items()}
        index.mass = [sum(index.idf[w] for w in doc.tokens) for doc in index.docs]

    # -- matching ---------------------------------------------------------------------------
    @lru_cache(maxsize=8192)  # noqa: B019 - one matcher lives for the whole process
    def _correct(self, word: str) -> str | None:
        """The vocabulary word a typo most likely meant, or None."""
        if word in self._index.idf:
            return word
        if len(word) < 4 or word.isdigit():
            return None
        found = process.extractOne(word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=80)
        return found[0] if found else None

    def _query_tokens(self, text: str) -> list[str]:
        return [w for raw in tokens(text) if (w := self._correct(raw))]

    def _scores(self, words: list[str]) -> dict[int, float]:
        index = self._index
        query = set(words)
        query_mass = sum(index.idf[w] for w in query) or 1.0
        overlap: dict[int, float] = defaultdict(float)
        for word in query:
            weight = index.idf[word]
            for i in index.postings[word]:
                overlap[i] += weight
        if not overlap:
            return {}
        text = " ".join(words)
        candidates = sorted(overlap, key=overlap.__getitem__, reverse=True)[:200]
        fuzzy = process.cdist(
            [text], [index.docs[i].text for i in candidates], scorer=fuzz.token_set_ratio
        )[0]
        scores: dict[int, float] = {}
        for i, similarity in zip(candidates, fuzzy, strict=True):
            covered_doc = overlap[i] / index.mass[i]
            covered_query = overlap[i] / query_mass
            lexical = math.sqrt(covered_doc * covered_query) * 0.5 + covered_doc * 0.5
            blended = 0.75 * lexical + 0.25 * (similarity / 100) * min(1.0, covered_doc * 2)
            scores[i] = float(blended) * index.docs[i].weight
        return scores

    def rank(self, text: str) -> list[tuple[Entry | OutOfScope | Passage, float]]:
        """Every entry, out-of-scope topic and passage with its best score, best first."""
        best: dict[int, tuple[Entry | OutOfScope | Passage, float]] = {}
        for i, score in self._scores(self._query_tokens(text[:MAX_MESSAGE_CHARS])).items():
            owner = self._index.docs[i].owner
            if id(owner) not in best or best[id(owner)][1] < score:
                best[id(owner)] = (owner, score)
        return sorted(best.values(), key=lambda pair: pair[1], reverse=True)

    def match(self, text: str) -> Match:
        question = text.strip()
        action = detect_action(question)
        sections: dict[str, float] = {}
        evidence: dict[str, Entry | Passage] = {}
        excluded: tuple[OutOfScope, float] | None = None
        for owner, score in self.rank(question):
            if isinstance(owner, OutOfScope):
                excluded = excluded or (owner, score)
                continue
            numbers = owner.sections if isinstance(owner, Entry) else (owner.section,)
            for position, number in enumerate(numbers):
                credit = score if position == 0 else score * 0.9
                if credit > sections.get(number, 0.0):
                    sections[number] = credit
                    if position == 0:
                        evidence[number] = owner
        ordered = sorted(sections.items(), key=lambda pair: pair[1], reverse=True)
        if not ordered or (excluded and excluded[1] >= ordered[0][1]):
            return Match(question, "decline", 0.0, action=action,
                         excluded=excluded[0] if excluded else None)
        runner_up = ordered[1][1] if len(ordered) > 1 else 0.0
        confidence = calibrate(ordered[0][1], runner_up)
        alternatives = tuple(
            Alternative(number, self.policy.section(number).title, calibrate(score, 0.0))
            for number, score in ordered[:4]
        )
        if confidence < DECLINE_BELOW:
            return Match(question, "decline", confidence, action=action)
        number = ordered[0][0]
        source = evidence.get(number)
        return Match(
            question=question,
            outcome="answer" if confidence >= ANSWER_AT else "clarify",
            confidence=confidence,
            entry=source if isinstance(source, Entry) else None,
            section=number,
            title=self.policy.section(number).title,
            alternatives=alternatives,
            action=action,
            quote=source.quote if source else None,
        )


def calibrate(score: float, runner_up: float) -> float:
    """Map a raw score to a 0..1 confidence."""
    return round(max(0.0, min(1.0, score)), 3)
