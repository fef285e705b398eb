"""How a school handles what parents send it, from school.toml: its classes, who holds each
role (titles and optional names, never contact details), how many school days it takes to
acknowledge and respond, its calendar, and where a concern about the chair goes.

Every key is optional with a stated default, so a school that only wants Q&A need not
write any of it; a key that is present but wrong is an error naming the key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from knowledge.retention import Retention, load_retention

DEFAULT_CLASSES = ("Reception", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Year 6")
DEFAULT_TITLES = MappingProxyType(
    {
        "class_teacher": "class teacher",
        "headteacher": "Headteacher",
        "deputy": "Deputy Headteacher",
        "dsl": "Designated Safeguarding Lead",
        "chair_of_governors": "Chair of Governors",
        "vice_chair": "Vice-Chair of Governors",
        "clerk": "Clerk to the Governors",
        "office": "School Office",
    }
)
ABOUT_CHAIR_ROUTES = ("vice_chair", "clerk")
DEFAULT_WEB_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class RoleHolder:
    title: str
    name: str | None = None


@dataclass(frozen=True)
class Term:
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class Casework:
    classes: tuple[str, ...] = DEFAULT_CLASSES
    roles: Mapping[str, RoleHolder] = field(
        default_factory=lambda: MappingProxyType(
            {key: RoleHolder(title) for key, title in DEFAULT_TITLES.items()}
        )
    )
    class_teachers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    acknowledge_days: int = 5
    respond_days: int = 15
    next_stage_days: int = 10  # school days after a reply or outcome to ask for the next stage
    terms: tuple[Term, ...] = ()
    closures: frozenset[date] = frozenset()
    complaints_procedure: str | None = None
    about_chair_route: str = "vice_chair"
    office_chat_id: int | None = None
    # the staff web console's public base URL, for sign-in links (POLICYBOT_WEB_URL)
    web_url: str = DEFAULT_WEB_URL
    retention: Retention = Retention()

    def holder(self, role: str) -> RoleHolder:
        """Title and name of whoever holds `role`; "class_teacher:Year 3" names that class."""
        base, _, class_name = role.partition(":")
        holder = self.roles[base]
        if base == "class_teacher" and class_name:
            return RoleHolder(f"{class_name} {holder.title}", self.class_teachers.get(class_name))
        return holder


def _text(table: Mapping[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValueError(f"[{where}] '{key}' must be non-empty text")
    return value.strip() if value else None


def _days(table: Mapping[str, Any], key: str, default: int) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 60:
        raise ValueError(f"[casework] '{key}' must be a whole number of school days, 1 to 60")
    return value


def _date(value: Any, where: str) -> date:
    if not isinstance(value, date):
        raise ValueError(f"{where} must be a date like 2025-09-03")
    return value


def _roles(table: Mapping[str, Any]) -> tuple[dict[str, RoleHolder], dict[str, str]]:
    roles = {}
    for key, default_title in DEFAULT_TITLES.items():
        raw = table.get(key, {})
        if not isinstance(raw, dict):
            raise ValueError(f"[roles.{key}] must be a table with 'title' and optional 'name'")
        allowed = {"title", "name", "names"} if key == "class_teacher" else {"title", "name"}
        if set(raw) - allowed:  # titles and names only: contact details do not belong here
            raise ValueError(f"[roles.{key}] has unknown key '{sorted(set(raw) - allowed)[0]}'")
        roles[key] = RoleHolder(
            _text(raw, "title", f"roles.{key}") or default_title,
            _text(raw, "name", f"roles.{key}"),
        )
    unknown = set(table) - set(DEFAULT_TITLES)
    if unknown:
        raise ValueError(f"[roles] has unknown role '{sorted(unknown)[0]}'")
    names = table.get("class_teacher", {}).get("names", {})
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        raise ValueError("[roles.class_teacher] 'names' must map class names to names")
    return roles, names


def _calendar(table: Mapping[str, Any]) -> tuple[tuple[Term, ...], frozenset[date]]:
    terms = []
    for number, raw in enumerate(table.get("term", []), 1):
        where = f"[[calendar.term]] number {number}"
        if not isinstance(raw, dict):
            raise ValueError(f"{where} must have 'start' and 'end'")
        start, end = (
            _date(raw.get("start"), f"{where} 'start'"),
            _date(raw.get("end"), f"{where} 'end'"),
        )
        if end < start:
            raise ValueError(f"{where} ends before it starts")
        terms.append(Term(str(raw.get("name", f"Term {number}")), start, end))
    closures: set[date] = set()
    for raw in table.get("closures", []):
        if isinstance(raw, dict):
            start = _date(raw.get("start"), "[calendar] closures 'start'")
            end = _date(raw.get("end", start), "[calendar] closures 'end'")
            closures.update(
                date.fromordinal(d) for d in range(start.toordinal(), end.toordinal() + 1)
            )
        else:
            closures.add(_date(raw, "[calendar] closures entry"))
    return tuple(sorted(terms, key=lambda t: t.start)), frozenset(closures)


def load_casework(data: Mapping[str, Any]) -> Casework:
    """Casework settings from a parsed school.toml; ValueError names the bad key."""
    school, casework = data.get("school", {}), data.get("casework", {})
    classes = school.get("classes", list(DEFAULT_CLASSES))
    if not classes or not all(isinstance(c, str) and c.strip() and ":" not in c for c in classes):
        raise ValueError("[school] 'classes' must be a list of class names (no ':')")
    roles, class_teachers = _roles(data.get("roles", {}))
    unknown_classes = set(class_teachers) - set(classes)
    if unknown_classes:
        raise ValueError(
            f"[roles.class_teacher] names unknown class '{sorted(unknown_classes)[0]}'"
        )
    about_chair = casework.get("about_the_chair_goes_to", "vice_chair")
    if about_chair not in ABOUT_CHAIR_ROUTES:
        raise ValueError("[casework] 'about_the_chair_goes_to' must be 'vice_chair' or 'clerk'")
    office_chat = casework.get("office_chat_id")
    if office_chat is not None and (
        not isinstance(office_chat, int) or isinstance(office_chat, bool)
    ):
        raise ValueError("[casework] 'office_chat_id' must be a Telegram chat id (a number)")
    terms, closures = _calendar(data.get("calendar", {}))
    return Casework(
        classes=tuple(c.strip() for c in classes),
        roles=MappingProxyType(roles),
        class_teachers=MappingProxyType(class_teachers),
        acknowledge_days=_days(casework, "acknowledge_within_school_days", 5),
        respond_days=_days(casework, "respond_within_school_days", 15),
        next_stage_days=_days(casework, "next_stage_within_school_days", 10),
        terms=terms,
        closures=closures,
        complaints_procedure=_text(casework, "complaints_procedure", "casework"),
        about_chair_route=about_chair,
        office_chat_id=office_chat,
        retention=load_retention(data.get("retention", {})),
    )
