"""A school's settings (school.toml) and the knowledge built from its files.

Everything school-specific lives in one folder, so another school swaps the folder and
nothing in the code changes."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.casework import Casework, load_casework
from knowledge.curated import Curated, load_curated
from knowledge.encoder import Encoder, load_encoder
from knowledge.matcher import Matcher
from knowledge.policy import Policy, load_policy

DEFAULT_SCHOOL_DIR = Path(__file__).parent / "schools" / "biggin-hill"


class SchoolConfigError(ValueError):
    """school.toml is missing something or points at a file that is not there."""


@dataclass(frozen=True)
class School:
    name: str
    short_name: str
    reference_prefix: str
    contact: str
    website: str | None
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
        reference_prefix=_required(school, "reference_prefix", "school"),
        contact=_required(school, "contact", "school"),
        website=school.get("website"),
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
