"""All user-facing wording lives in Jinja2 templates beside this module."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATE_DIR = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Replies are plain text; the Telegram adapter escapes them for HTML itself.
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(template: str, **context: Any) -> str:
    """Render `templates/<template>.txt.j2` and trim surrounding blank space."""
    return _environment().get_template(f"{template}.txt.j2").render(**context).strip()
