"""Parse a policy document (plain text exported from a PDF) into numbered sections.

The parser expects the common shape of school policies: a preamble with header facts
("Review date: March 2025"), an optional contents list, then numbered headings
("3.2 Moderation") with paragraphs and "- " bullet lists. It repairs the two artefacts a
PDF export leaves behind: the running page header repeated mid-text, and sentences split
by a page break.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+([A-Z][^.!?]{0,90})$")
BULLET = re.compile(r"^\s*(?:[-•*–]|\u2022)\s+(.*)$")
SENTENCE_END = re.compile(r"[.!?:;)\"'”]$")


class PolicyFormatError(ValueError):
    """The text does not have the numbered-heading shape the parser understands."""


@dataclass(frozen=True)
class Block:
    """A paragraph (one item) or a bullet list (several items) inside a section."""

    kind: str  # "paragraph" | "bullets"
    items: tuple[str, ...]

    @property
    def text(self) -> str:
        if self.kind == "bullets":
            return "\n".join(f"• {item}" for item in self.items)
        return self.items[0]


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    blocks: tuple[Block, ...]

    @property
    def parent(self) -> str | None:
        return self.number.rsplit(".", 1)[0] if "." in self.number else None

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}"


@dataclass(frozen=True)
class Policy:
    title: str
    sections: tuple[Section, ...]
    facts: dict[str, str] = field(default_factory=dict)

    def section(self, number: str) -> Section:
        for section in self.sections:
            if section.number == number:
                return section
        raise KeyError(number)

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(section.number for section in self.sections)

    def fact(self, word: str) -> str | None:
        """The header fact whose label mentions `word` ("review", "responsible", "adopted")."""
        for label, value in self.facts.items():
            if word.lower() in label.lower():
                return value
        return None

    @property
    def review_date(self) -> date | None:
        return parse_month_year(self.fact("review") or "")


def parse_month_year(text: str) -> date | None:
    """'March 2025' -> 2025-03-01; anything else -> None."""
    for fmt in ("%B %Y", "%b %Y", "%d %B %Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _clean_line(line: str) -> str:
    line = line.replace("**", "").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", line).strip()


def _running_headers(lines: list[str]) -> set[str]:
    """Lines repeated three or more times that are not list items: page headers/footers."""
    counts = Counter(line for line in lines if line and not BULLET.match(line))
    return {line for line, n in counts.items() if n >= 3}


def _heading(line: str) -> tuple[str, str] | None:
    if BULLET.match(line):
        return None
    found = HEADING.match(line)
    return (found.group(1), found.group(2).strip()) if found else None


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _blocks(raw_blocks: list[list[str]]) -> tuple[Block, ...]:
    """Turn blank-line separated chunks into paragraphs and bullet lists, rejoining
    paragraphs a page break split mid-sentence and bullet lists a blank line split."""
    blocks: list[Block] = []
    for chunk in raw_blocks:
        bullets = [BULLET.match(line) for line in chunk]
        if all(bullets):
            items = tuple(match.group(1).strip() for match in bullets if match)
            if blocks and blocks[-1].kind == "bullets":
                items = blocks.pop().items + items
            blocks.append(Block("bullets", items))
            continue
        text = " ".join(chunk)
        previous = blocks[-1] if blocks else None
        if (
            previous is not None
            and previous.kind == "paragraph"
            and not SENTENCE_END.search(previous.items[0])
            and text[:1].islower()
        ):
            blocks[-1] = Block("paragraph", (f"{previous.items[0]} {text}",))
        else:
            blocks.append(Block("paragraph", (text,)))
    return tuple(blocks)


def _chunks(lines: list[str]) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    for line in lines:
        if line:
            chunks[-1].append(line)
        elif chunks[-1]:
            chunks.append([])
    return [chunk for chunk in chunks if chunk]


def _facts(preamble: list[str]) -> dict[str, str]:
    """'Label: value' on one line, or 'Label:' with the value on the next line."""
    facts: dict[str, str] = {}
    lines = [line for line in preamble if line]
    for i, line in enumerate(lines):
        if ":" not in line or _heading(line):
            continue
        label, _, value = line.partition(":")
        value = value.strip()
        if not value and i + 1 < len(lines) and ":" not in lines[i + 1]:
            value = lines[i + 1]
        if value and len(label) < 60:
            facts[label.strip()] = value
    return facts


def _heading_chain(
    candidates: list[tuple[int, tuple[str, str]]], lines: list[str]
) -> list[tuple[int, str, str]]:
    """Headings in ascending number order from the first candidate; a numbered line out of
    order is text, not a heading."""
    chain: list[tuple[int, str, str]] = []
    for i, (number, title) in candidates:
        if not chain or _number_key(number) > _number_key(chain[-1][1]):
            chain.append((i, number, title))
    return chain


def _sections_with_text(chain: list[tuple[int, str, str]], lines: list[str]) -> int:
    ends = [i for i, _, _ in chain[1:]] + [len(lines)]
    heading_lines = {i for i, _, _ in chain}
    return sum(
        any(
            lines[j] and j not in heading_lines and not _heading(lines[j])
            for j in range(i + 1, end)
        )
        for (i, _, _), end in zip(chain, ends, strict=True)
    )


def parse_policy(text: str) -> Policy:
    """Parse policy text into sections; raises PolicyFormatError if none are found."""
    lines = [_clean_line(line) for line in text.splitlines()]
    headers = _running_headers(lines)
    lines = [line for line in lines if line not in headers]
    candidates = [(i, h) for i, line in enumerate(lines) if (h := _heading(line))]
    starts = [k for k, (_, (number, _)) in enumerate(candidates) if number == "1"]
    if not starts:
        raise PolicyFormatError("no numbered section '1' found")
    # A contents list repeats the headings with nothing under them: the body is the chain
    # of ascending headings, from some "1", with the most headings that have text under them.
    heads = max(
        (_heading_chain(candidates[k:], lines) for k in starts),
        key=lambda chain: _sections_with_text(chain, lines),
    )
    start = heads[0][0]

    sections = []
    for k, (i, number, title) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
        sections.append(Section(number, title, _blocks(_chunks(lines[i + 1 : end]))))

    preamble = lines[:start]
    title = next((line for line in preamble if line), sections[0].title)
    long_title = max(headers, key=len) if headers else title
    facts = _facts(preamble)
    facts.setdefault("Document", long_title)
    return Policy(title=title, sections=tuple(sections), facts=facts)


def load_policy(path: Path) -> Policy:
    return parse_policy(path.read_text(encoding="utf-8"))
