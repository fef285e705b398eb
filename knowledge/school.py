"""A school's settings (school.toml) and the knowledge built from its files.

Everything school-specific lives in one folder, so another school swaps the folder and
nothing in the code changes."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from knowledge.casework import Casework, load_casework
from knowledge.curated import Curated, Phrasing, add_phrasings, load_curated
from knowledge.encoder import Encoder, load_encoder
from knowledge.matcher import Matcher
from knowledge.policy import Policy, load_policy

DEFAULT_SCHOOL_DIR = Path(__file__).parent / "schools" / "biggin-hill"
# A reference ("BH-2026-0042") travels in button data (handlers/buttons.py allows letters,
# digits and "-", 24 characters) and is typed back by parents: the prefix must fit both.
REFERENCE_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,9}$")


class SchoolConfigError(ValueError):
    """school.toml is missing something or points at a file that is not there."""


@dataclass(frozen=True)
class School:
    name: str
    short_name: str
    reference_prefix: str
    contact: str
    website: str | None
    phone: str | None  # the office's number, given to anyone who asks for a person
    policy_file: Path
    answers_file: Path
    casework: Casework


@dataclass(frozen=True)
class Knowledge:
    school: School
    policy: Policy
    curated: Curated
    matcher: Matcher


def _required(table: dict, key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SchoolConfigError(f"school.toml: [{where}] needs '{key}'")
    return value.strip()


def _optional(table: dict, key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise SchoolConfigError(f"school.toml: [{where}] '{key}' must be non-empty text")
    return value.strip() if value else None


def _reference_prefix(school: dict) -> str:
    prefix = _required(school, "reference_prefix", "school")
    if not REFERENCE_PREFIX.match(prefix):
        raise SchoolConfigError(
            f"school.toml: [school] 'reference_prefix' must be 1 to 10 letters or digits, "
            f'starting with a letter (like "BH"), not {prefix!r}'
        )
    return prefix


def load_school(folder: Path) -> School:
    path = folder / "school.toml"
    if not path.is_file():
        raise SchoolConfigError(f"no school.toml in {folder}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise SchoolConfigError(f"school.toml is not valid TOML: {error}") from error
    school, policy = data.get("school", {}), data.get("policy", {})
    files = {key: folder / _required(policy, key, "policy") for key in ("file", "answers")}
    for key, file in files.items():
        if not file.is_file():
            raise SchoolConfigError(f"school.toml: [policy] {key} = {file} does not exist")
    name = _required(school, "name", "school")
    try:
        casework = load_casework(data)
    except ValueError as error:
        raise SchoolConfigError(f"school.toml: {error}") from error
    return School(
        name=name,
        short_name=school.get("short_name", name),
        reference_prefix=_reference_prefix(school),
        contact=_required(school, "contact", "school"),
        website=school.get("website"),
        phone=_optional(school, "phone", "school"),
        policy_file=files["file"],
        answers_file=files["answers"],
        casework=casework,
    )


@lru_cache(maxsize=1)
def shipped_encoder() -> Encoder:
    """The sentence encoder shipped with the package, loaded once per process."""
    return load_encoder()


def load_sources(folder: Path = DEFAULT_SCHOOL_DIR) -> tuple[School, Policy, Curated]:
    """Parse the settings and the policy, and validate the curated answers against it."""
    school = load_school(folder)
    policy = load_policy(school.policy_file)
    return school, policy, load_curated(school.answers_file, policy)


def load_knowledge(folder: Path = DEFAULT_SCHOOL_DIR, semantic: bool = True) -> Knowledge:
    """The school's sources and the matcher over them (words only when not `semantic`)."""
    school, policy, curated = load_sources(folder)
    matcher = Matcher(policy, curated, shipped_encoder() if semantic else None)
    return Knowledge(school, policy, curated, matcher)


def with_phrasings(knowledge: Knowledge, phrasings: Iterable[Phrasing]) -> Knowledge:
    """The knowledge with the phrasings staff accepted from the gaps, matcher rebuilt (on
    the same encoder: only the new phrasings are embedded)."""
    curated = add_phrasings(knowledge.curated, phrasings)
    matcher = Matcher(knowledge.policy, curated, knowledge.matcher.encoder)
    return replace(knowledge, curated=curated, matcher=matcher)
