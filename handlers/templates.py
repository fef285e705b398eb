"""All user-facing wording lives in Jinja2 templates beside this module."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from handlers.schooldays import SCHOOL_TIME

TEMPLATE_DIR = Path(__file__).parent / "templates"


def long_date(value: str | date) -> str:
    """2026-06-05 -> "Friday 5 June 2026", the way a school letter writes a date; a moment
    (safeguarding is due in hours) gets its time at the school too: "..., 1:30pm"."""
    if isinstance(value, str) and "T" in value:
        moment = datetime.fromisoformat(value).astimezone(SCHOOL_TIME)
        clock = f"{moment:%I:%M%p}".lstrip("0").lower()
        return f"{moment:%A} {moment.day} {moment:%B %Y}, {clock}"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day:%A} {day.day} {day:%B %Y}"


def _new_environment(*, autoescape: bool) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["longdate"] = long_date
    return environment


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Replies are plain text; the Telegram adapter escapes them for HTML itself.
    return _new_environment(autoescape=False)


@lru_cache(maxsize=1)
def _page_environment() -> Environment:
    # The staff web console's pages (templates/web/*.html): HTML, so everything is escaped
    # unless a template says otherwise; the chat's wording macros can be imported.
    return _new_environment(autoescape=True)


def render_page(page: str, **context: Any) -> str:
    """Render the console page `templates/web/<page>.html`."""
    return _page_environment().get_template(f"web/{page}.html").render(**context)


def render(template: str, **context: Any) -> str:
    """Render `templates/<template>.txt.j2` and trim surrounding blank space."""
    return _environment().get_template(f"{template}.txt.j2").render(**context).strip()
