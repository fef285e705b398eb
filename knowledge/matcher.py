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
from knowledge.normalise import SYNONYMS, canonical, words
from knowledge.policy import Policy

# A confident answer needs this much; below DECLINE_BELOW the bot declines.
ANSWER_AT = 0.45
DECLINE_BELOW = 0.28
MAX_MESSAGE_CHARS = 2000
# Typo correction: only longer words, only to a close spelling ("facebok", not "vent").
MIN_CORRECTED = 5
TYPO_CUTOFF = 85
# Matched evidence (summed IDF) at which a match counts as well supported.
EVIDENCE_SCALE = 4.0
# An entry written for the asker's audience wins ties and near-ties (staff asking about
# photos get the staff rule, parents the parents' one); too small to overturn a clear match.
AUDIENCE_BOOST = 1.12
# At most this many documents are scored per message (see Matcher._candidates).
CANDIDATE_CAP = 3000
# The whole-vocabulary (BM25) score's share of an owner's final score, and its parameters.
PROFILE_WEIGHT = 0.6
# How much a word the knowledge base has never seen weighs in a message (cf. IDF 0.8..6).
UNKNOWN_WEIGHT = 1.5
BM25_K1 = 1.2
BM25_B = 0.3


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
class _Profile:
    """Everything one entry, topic or passage says, as one bag of words: a message worded
    unlike any single phrasing can still match the entry's vocabulary as a whole."""

    owner: Entry | OutOfScope | Passage
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def length(self) -> int:
        return sum(self.counts.values())


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
                out.extend(Passage(section.number, f"{lead} {item}", item) for item in block.items)
    return out


class Matcher:
    """Answers `match(text) -> Match` over one policy and its curated entries."""

    def __init__(self, policy: Policy, curated: Curated) -> None:
        self.policy = policy
        self.curated = curated
        self._index = _Index()
        self._typed: set[str] = set(SYNONYMS)  # every spelling a typo can be corrected to
        self._profiles: dict[int, _Profile] = {}
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
        self._vocabulary = sorted(
            w
            for w in self._typed
            if len(w) >= MIN_CORRECTED and all(t in self._index.idf for t in canonical(w))
        )

    # -- building ---------------------------------------------------------------------------
    def _add(self, owner: Entry | OutOfScope | Passage, text: str, weight: float) -> None:
        typed = words(text)
        self._typed.update(typed)
        found = [token for word in typed for token in canonical(word)]
        if found:
            self._index.docs.append(_Doc(owner, frozenset(found), " ".join(found), weight))
            profile = self._profiles.setdefault(id(owner), _Profile(owner))
            for token in found:
                profile.counts[token] += 1

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
        self._average_profile = sum(p.length for p in self._profiles.values()) / max(
            1, len(self._profiles)
        )

    # -- matching ---------------------------------------------------------------------------
    @lru_cache(maxsize=8192)  # noqa: B019 - one matcher lives for the whole process
    def _correct(self, word: str) -> tuple[str, ...]:
        """The known tokens a typed word stands for, correcting a typo against the words
        the knowledge base uses ("picturs" -> "pictures" -> photo); () if unknown."""
        known = tuple(t for t in canonical(word) if t in self._index.idf)
        if known or len(word) < MIN_CORRECTED or word.isdigit():
            return known
        found = process.extractOne(
            word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
        )
        return canonical(found[0]) if found else ()

    def _query(self, text: str) -> tuple[list[str], float]:
        """The known tokens of a message, and its total weight: words the knowledge base
        has never seen count too, so a message mostly about something else scores low."""
        found: list[str] = []
        unknown: set[str] = set()
        for word in words(text):
            known = self._correct(word)
            if known:
                found.extend(known)
            elif len(word) >= 3 and not word.isdigit():
                unknown.add(word)
        mass = sum(self._index.idf[w] for w in set(found)) + UNKNOWN_WEIGHT * len(unknown)
        return found, mass or 1.0

    def _candidates(self, query: set[str]) -> dict[int, float]:
        """Documents sharing a word with the query, with their summed IDF overlap.
        Candidates come from the rarest words first and stop at CANDIDATE_CAP, so a common
        word in a large knowledge base cannot make every message touch every document."""
        index = self._index
        pool: set[int] = set()
        for word in sorted(query, key=index.idf.__getitem__, reverse=True):
            postings = index.postings[word]
            if pool and len(pool) + len(postings) > CANDIDATE_CAP:
                break
            pool.update(postings[:CANDIDATE_CAP])
        return {i: sum(index.idf[w] for w in query & index.docs[i].tokens) for i in pool}

    def _scores(self, words: list[str], query_mass: float) -> dict[int, float]:
        index = self._index
        overlap = self._candidates(set(words))
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
            scores[i] = float(blended) * _strength(overlap[i]) * index.docs[i].weight
        return scores

    def _profile_score(self, key: int, query: set[str], query_mass: float) -> float:
        """BM25 of the query against one owner's whole vocabulary, as the share (0..1) of
        the query's IDF mass it explains."""
        profile = self._profiles[key]
        norm = 1 - BM25_B + BM25_B * profile.length / self._average_profile
        total = matched = 0.0
        for token in query:
            tf = profile.counts.get(token, 0)
            if tf:
                idf = self._index.idf[token]
                matched += idf
                total += idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * norm)
        return total / ((BM25_K1 + 1) * query_mass) * _strength(matched)

    def rank(self, text: str) -> list[tuple[Entry | OutOfScope | Passage, float]]:
        """Every entry, out-of-scope topic and passage with its score, best first: its best
        single phrasing blended with its whole vocabulary."""
        found, query_mass = self._query(text[:MAX_MESSAGE_CHARS])
        best: dict[int, float] = {}
        for i, score in self._scores(found, query_mass).items():
            key = id(self._index.docs[i].owner)
            best[key] = max(best.get(key, 0.0), score)
        query = set(found)
        ranked = [
            (
                self._profiles[key].owner,
                (1 - PROFILE_WEIGHT) * score
                + PROFILE_WEIGHT * self._profile_score(key, query, query_mass),
            )
            for key, score in best.items()
        ]
        return sorted(ranked, key=lambda pair: pair[1], reverse=True)

    def match(self, text: str, audience: str | None = None) -> Match:
        """The verdict for one message; `audience` ("staff", "parent"...) ranks entries
        written for that audience first when the message is ambiguous between sections."""
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
            if audience and isinstance(owner, Entry) and _written_for(owner, audience):
                score *= AUDIENCE_BOOST
            for position, number in enumerate(numbers):
                credit = score if position == 0 else score * 0.9
                if credit > sections.get(number, 0.0):
                    sections[number] = credit
                    if position == 0:
                        evidence[number] = owner
        ordered = sorted(sections.items(), key=lambda pair: pair[1], reverse=True)
        if not ordered or (excluded and excluded[1] >= ordered[0][1]):
            return Match(
                question, "decline", 0.0, action=action, excluded=excluded[0] if excluded else None
            )
        confidence = calibrate(ordered[0][1])
        alternatives = tuple(
            Alternative(number, self.policy.section(number).title, calibrate(score))
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


def _written_for(entry: Entry, audience: str) -> bool:
    """Staff get entries written for staff; everyone else also gets those for "anyone"."""
    return audience in entry.audience or (audience != "staff" and "anyone" in entry.audience)


def _strength(evidence: float) -> float:
    """0..1: how well supported a match is by the summed IDF of the words it shares, so a
    message that only shares common words ("school") cannot look certain."""
    return math.sqrt(1.0 - math.exp(-evidence / EVIDENCE_SCALE))


def calibrate(score: float) -> float:
    """Map a raw score to a 0..1 confidence. The scale is set by the thresholds above,
    chosen on two labelled sets: answers at ANSWER_AT or more were right 96-100% of the
    time, and below DECLINE_BELOW almost nothing in scope remains."""
    return round(max(0.0, min(1.0, score)), 3)
