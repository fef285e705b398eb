"""Whether a concern about a child's class is about the class teacher themself ("the class
teacher shouted", "his teacher ignores my emails", "Miss Example"): such a concern must not
go to the person it is about, so the concern flow routes it to the headteacher instead."""

from __future__ import annotations

import re

from knowledge.normalise import clean_text

# "teacher" with a word that makes it a particular person, never "headteacher" or "teachers".
_TEACHER = re.compile(
    r"\b(the|his|her|their|my|class|form|\w+s)\s+(class\s+|form\s+)?teacher\b(?!s)"
)


def about_the_teacher(text: str, teacher_name: str | None = None) -> bool:
    """True when `text` names the class teacher, in words or by their registered name."""
    clean = clean_text(text or "")
    if _TEACHER.search(clean.replace("head teacher", "headteacher")):
        return True
    name = clean_text(teacher_name or "")
    return bool(name) and re.search(rf"\b{re.escape(name)}\b", clean) is not None
