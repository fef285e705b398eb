"""Match a message to policy sections: curated phrasings, out-of-scope topics and the
policy's own passages are scored two ways, and a fitted decision (knowledge/decision.py)
chooses between answering, asking "did you mean", and declining.

Lexical: IDF-weighted word overlap (so rare, telling words like "whatsapp" or "friend
request" count for more than "school") blended with rapidfuzz similarity of the normalised
strings, which absorbs word order and leftover typos; an inverted index keeps the work
proportional to the documents that share a word with the message.
Semantic: cosine similarity of sentence embeddings (knowledge/semantic.py), which finds
wording nobody wrote down. Each owner's two scores are combined with a fitted weight."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from knowledge.audience import addressed_to
from knowledge.curated import Curated, Entry, OutOfScope
from knowledge.decision import Decision, Signals, Verdict, load_decision
from knowledge.encoder import Encoder
from knowledge.intent import detect_action, promised_action
from knowledge.normalise import SYNONYMS, canonical, words
from knowledge.policy import Policy
from knowledge.safeguarding import suggests_child_at_risk
from knowledge.semantic import SemanticIndex
from knowledge.smalltalk import small_talk

MAX_MESSAGE_CHARS = 2000
# Typo correction: only longer words, only to a close spelling ("facebok", not "vent").
MIN_CORRECTED = 5
TYPO_CUTOFF = 85
# Matched evidence (summed IDF) at which a match counts as well supported.
EVIDENCE_SCALE = 4.0
# An entry written for the asker's audience wins ties and near-ties (staff asking about
# photos get the staff rule, parents the parents' one); too small to overturn a clear match.
# One written only for other audiences gives way by as much.
AUDIENCE_BOOST = 1.12
# A "did you mean" offers at most this many sections.
MAX_CHOICES = 4
# An entry's second and later sections get this share of its score.
SECONDARY_CREDIT = 0.9
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
    confidence: float  # the fitted chance that `section` is the right one
    entry: Entry | None = None
    section: str | None = None
    title: str | None = None
    alternatives: tuple[Alternative, ...] = ()
    action: str | None = None
    excluded: OutOfScope | None = None
    quote: str | None = None  # the policy's own words the answer rests on
    small_talk: bool = False  # "hi", "thanks", "help": the menu, not a policy answer

    @property
    def answered(self) -> bool:
        return self.outcome != "decline"


@dataclass(frozen=True)
class Passage:
    """A paragraph, or one bullet with its list's lead-in, of one section."""

    section: str
    text: str  # what is matched: title and lead-in give the words context
    quote: str  # what is shown: the policy's own words


Owner = Entry | OutOfScope | Passage


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
    """Answers `match(text) -> Match` over one policy and its curated entries; without an
    encoder it matches on words alone, with the decision fitted for that case."""

    def __init__(
        self,
        policy: Policy,
        curated: Curated,
        encoder: Encoder | None = None,
        decision: Decision | None = None,
    ) -> None:
        self.policy = policy
        self.curated = curated
        self.encoder = encoder
        self.decision = decision or load_decision(encoder.name if encoder else "lexical")
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
        passages = policy_passages(policy)
        for passage in passages:
            self._add(passage, passage.text, 0.85)
        self._finish_index()
        self.addressed = {s.number: addressed_to(s.title) for s in policy.sections}
        meanings = _meanings(passages, curated)
        self._owners: dict[Hashable, Owner] = {id(owner): owner for owner, _ in meanings}
        self._semantic = (
            SemanticIndex(encoder, [(id(owner), text) for owner, text in meanings])
            if encoder
            else None
        )
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

    def owner_scores(self, text: str) -> list[tuple[Owner, float, float]]:
        """Every entry, topic and passage either layer found, with its lexical and
        semantic scores."""
        question = text.strip()[:MAX_MESSAGE_CHARS]
        lexical: dict[int, float] = {id(o): score for o, score in self.rank(question)}
        semantic = self._semantic.similarities(question) if self._semantic else {}
        return [
            (self._owners[key], lexical.get(key, 0.0), semantic.get(key, 0.0))
            for key in lexical.keys() | semantic.keys()
        ]

    def signals(self, text: str, audience: str | None = None) -> Signals:
        return collect_signals(self.owner_scores(text), audience, self.decision, self.addressed)

    def match(self, text: str, audience: str | None = None) -> Match:
        """The verdict for one message; `audience` ("staff", "parent"...) ranks entries
        written for that audience first when the message is ambiguous between sections."""
        question = text.strip()
        if small_talk(question):
            return Match(question, "decline", 0.0, small_talk=True)
        # A child at risk is always flagged; the wish to raise a concern or report an
        # incident only on a question the policy covers.
        at_risk = "safeguarding" if suggests_child_at_risk(question) else None
        signals = self.signals(question, audience)
        verdict = self.decision.decide(signals)
        ordered = signals.ordered()
        alternatives = tuple(
            Alternative(
                number, self.policy.section(number).title, _relative(verdict, score, ordered)
            )
            for number, score in ordered[:MAX_CHOICES]
        )
        if verdict.outcome == "decline":
            closer = signals.topic_score >= (ordered[0][1] if ordered else 0)
            topic = signals.topic if closer and isinstance(signals.topic, OutOfScope) else None
            return Match(question, "decline", verdict.confidence, action=at_risk, excluded=topic)
        number = ordered[0][0]
        source = signals.evidence.get(number)
        entry = source if isinstance(source, Entry) else None
        action = at_risk or detect_action(question)
        if action == "concern" and audience == "staff":  # the concern flow is for families
            action = None
        if action is None and entry and verdict.outcome == "answer":
            action = entry_action(entry)
        return Match(
            question=question,
            outcome=verdict.outcome,
            confidence=verdict.confidence,
            entry=entry,
            section=number,
            title=self.policy.section(number).title,
            alternatives=alternatives,
            action=action,
            quote=source.quote if isinstance(source, Entry | Passage) else None,
        )


def collect_signals(
    scores: list[tuple[Owner, float, float]],
    audience: str | None,
    decision: Decision,
    addressed: Mapping[str, str | None],
) -> Signals:
    """Each section's best owner by the two scores combined, and the same for the
    out-of-scope topics: what the decision is taken on. `addressed` maps a section to the
    audience its title addresses, if one."""
    result = Signals()
    for owner, lexical, semantic in scores:
        combined = decision.combine(lexical, semantic)
        if isinstance(owner, OutOfScope):
            result.consider_topic(owner, combined)
            continue
        numbers = owner.sections if isinstance(owner, Entry) else (owner.section,)
        factor = _audience_factor(owner, addressed.get(numbers[0]), audience) if audience else 1
        for position, number in enumerate(numbers):
            result.consider(
                number,
                owner if position == 0 else None,
                factor if position == 0 else factor * SECONDARY_CREDIT,
                combined,
                lexical,
                semantic,
            )
    return result


def _relative(verdict: Verdict, score: float, ordered: list[tuple[str, float]]) -> float:
    """A choice's confidence on the best section's scale: its share of the best score."""
    return round(verdict.confidence * score / ordered[0][1], 3) if ordered[0][1] > 0 else 0.0


def _meanings(passages: list[Passage], curated: Curated) -> list[tuple[Owner, str]]:
    """What the semantic layer embeds: the ways people ask (curated phrasings, out-of-scope
    phrasings), the policy's passages and the curated answers."""
    items: list[tuple[Owner, str]] = [(e, q) for e in curated.entries for q in e.questions]
    items += [(t, q) for t in curated.out_of_scope for q in t.questions]
    items += [(passage, passage.text) for passage in passages]
    items += [(entry, entry.answer) for entry in curated.entries]
    return items


def _audience_factor(owner: Entry | Passage, addressed: str | None, audience: str) -> float:
    """Who the words were written for: an entry's own audience, else that of the section
    it rests on ("Use of social media by staff"). Written for the asker: first among
    near-equals; written for someone else: gives way; for anyone: neither."""
    written_for = set(owner.audience) - {"anyone"} if isinstance(owner, Entry) else set()
    written_for = written_for or ({addressed} if addressed else set())
    if not written_for:
        return 1.0
    return AUDIENCE_BOOST if audience in written_for else 1 / AUDIENCE_BOOST


def entry_action(entry: Entry) -> str | None:
    """The flow an entry offers: its `action`, or the one its answer promises ("you can
    report it here"), so the words and the button never disagree."""
    return entry.action or promised_action(entry.answer)


def _strength(evidence: float) -> float:
    """0..1: how well supported a match is by the summed IDF of the words it shares, so a
    message that only shares common words ("school") cannot look certain."""
    return math.sqrt(1.0 - math.exp(-evidence / EVIDENCE_SCALE))
