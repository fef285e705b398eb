"""Load and validate the curated answers file a school office edits (answers.toml).

Validation is strict because a wrong section number or a misquoted policy would put words
in the school's mouth: every problem names the entry it is in."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from knowledge.policy import Policy

ACTIONS = frozenset({"concern", "report"})
AUDIENCES = frozenset({"parent", "staff", "pupil", "volunteer", "visitor", "governor", "anyone"})


class CuratedDataError(ValueError):
    """The answers file is malformed; the message names the entry and the problem."""


@dataclass(frozen=True)
class Entry:
    id: str
    sections: tuple[str, ...]
    answer: str
    quote: str
    questions: tuple[str, ...]
    audience: frozenset[str]
    action: str | None


@dataclass(frozen=True)
class OutOfScope:
    id: str
    topic: str
    pointer: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Curated:
    entries: tuple[Entry, ...]
    out_of_scope: tuple[OutOfScope, ...]


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _strings(raw: dict, key: str, where: str, required: bool = True) -> tuple[str, ...]:
    value = raw.get(key, [] if not required else None)
    if value is None:
        raise CuratedDataError(f"{where}: missing '{key}'")
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CuratedDataError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _string(raw: dict, key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CuratedDataError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _entry(raw: dict, policy: Policy, position: int) -> Entry:
    where = f"entry {raw.get('id') or f'#{position}'}"
    entry_id = _string(raw, "id", where)
    sections = _strings(raw, "sections", where)
    if not sections:
        raise CuratedDataError(f"{where}: 'sections' is empty")
    for number in sections:
        if number not in policy.numbers:
            raise CuratedDataError(
                f"{where}: section '{number}' does not exist in the policy "
                f"(sections are {', '.join(policy.numbers)})"
            )
    quote = _collapse(_string(raw, "quote", where))
    section_text = _collapse(
        " ".join(" ".join(block.items) for block in policy.section(sections[0]).blocks)
    )
    if quote not in section_text:
        raise CuratedDataError(
            f"{where}: 'quote' is not the exact wording of section {sections[0]}"
        )
    questions = _strings(raw, "questions", where)
    if not questions:
        raise CuratedDataError(f"{where}: needs at least one question")
    audience = frozenset(_strings(raw, "audience", where, required=False)) or {"anyone"}
    if unknown := audience - AUDIENCES:
        raise CuratedDataError(f"{where}: unknown audience {sorted(unknown)}")
    action = raw.get("action")
    if action is not None and action not in ACTIONS:
        raise CuratedDataError(f"{where}: action must be one of {sorted(ACTIONS)}")
    return Entry(
        id=entry_id,
        sections=sections,
        answer=_string(raw, "answer", where),
        quote=quote,
        questions=questions,
        audience=frozenset(audience),
        action=action,
    )


def _out_of_scope(raw: dict, position: int) -> OutOfScope:
    where = f"out_of_scope {raw.get('id') or f'#{position}'}"
    return OutOfScope(
        id=_string(raw, "id", where),
        topic=_string(raw, "topic", where),
        pointer=_string(raw, "pointer", where),
        questions=_strings(raw, "questions", where),
    )


def parse_curated(text: str, policy: Policy) -> Curated:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CuratedDataError(f"answers file is not valid TOML: {error}") from error
    entries = tuple(_entry(raw, policy, i) for i, raw in enumerate(data.get("entry", []), 1))
    excluded = tuple(
        _out_of_scope(raw, i) for i, raw in enumerate(data.get("out_of_scope", []), 1)
    )
    seen: set[str] = set()
    items: tuple[Entry | OutOfScope, ...] = (*entries, *excluded)
    for item in items:
        if item.id in seen:
            raise CuratedDataError(f"entry {item.id}: id is used twice")
        seen.add(item.id)
    return Curated(entries=entries, out_of_scope=excluded)


def load_curated(path: Path, policy: Policy) -> Curated:
    return parse_curated(path.read_text(encoding="utf-8"), policy)


@dataclass(frozen=True)
class Phrasing:
    """A way of asking that a member of staff accepted from the knowledge gaps: one more
    question for the entry or out-of-scope topic `target`, or, with no target, a new
    out-of-scope topic that gives `pointer`."""

    id: int
    text: str
    target: str | None
    pointer: str | None = None

    @property
    def topic_id(self) -> str:
        return f"gap-{self.id}"


def add_phrasings(curated: Curated, phrasings: Iterable[Phrasing]) -> Curated:
    """The curated answers with accepted phrasings added; the answers themselves are never
    changed, and a phrasing whose target is no longer in the file is left out."""
    extra: dict[str, list[str]] = {}
    topics = []
    for phrasing in phrasings:
        if phrasing.target:
            extra.setdefault(phrasing.target, []).append(phrasing.text)
        elif phrasing.pointer:
            topic = OutOfScope(
                phrasing.topic_id, phrasing.text[:80], phrasing.pointer, (phrasing.text,)
            )
            topics.append(topic)
    return Curated(
        entries=tuple(
            replace(e, questions=(*e.questions, *extra.get(e.id, ()))) for e in curated.entries
        ),
        out_of_scope=(
            *(
                replace(t, questions=(*t.questions, *extra.get(t.id, ())))
                for t in curated.out_of_scope
            ),
            *topics,
        ),
    )


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, bar DEL which TOML wants escaped)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def merge_phrasings(answers_toml: str, phrasings: Iterable[Phrasing]) -> str:
    """The answers file's text with accepted phrasings written in: each added at the top of
    its entry's `questions`, and new out-of-scope topics appended, comments kept."""
    text = answers_toml
    appended = []
    for phrasing in phrasings:
        if not phrasing.target:
            appended.append(
                f"\n[[out_of_scope]]\nid = {_toml_string(phrasing.topic_id)}\n"
                f"topic = {_toml_string(phrasing.text[:80])}\n"
                f"pointer = {_toml_string(phrasing.pointer or '')}\n"
                f"questions = [{_toml_string(phrasing.text)}]\n"
            )
            continue
        found = re.search(rf'^id\s*=\s*"{re.escape(phrasing.target)}"\s*$', text, re.M)
        questions = found and re.compile(r"^questions\s*=\s*\[", re.M).search(text, found.end())
        if questions:
            insert = f"\n  {_toml_string(phrasing.text)},"
            text = text[: questions.end()] + insert + text[questions.end() :]
    return text.rstrip("\n") + "\n" + "".join(appended)
