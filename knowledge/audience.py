"""Who is asking. Registered staff are staff; anyone else in a private chat is a parent
unless their own words say otherwise ("my class", "as a TA", "I'm in year 5")."""

from __future__ import annotations

import re

from knowledge.normalise import clean_text

AUDIENCES = ("parent", "staff", "pupil")

_STAFF = re.compile(
    r"\b(my (class|classes|pupils|students|form|tutor group|year group|classroom|lessons?|"
    r"colleagues?|head ?teacher|line manager)|as (a|an) (ta|teacher|teaching assistant|"
    r"member of staff|staff member|supply teacher|lsa|tutor|head|teacher here)|"
    r"i( am|m) (a|an) (ta|teacher|teaching assistant|member of staff|staff member|"
    r"supply teacher|lsa|governor|volunteer|trainee teacher)|i teach|i work at the school|"
    r"i work (here|in the school)|we teach|our pupils|teaching staff)\b"
)
_PUPIL = re.compile(
    r"\b(i( am|m) in (year|yr|class) ?\d|i( am|m) (a|an) (pupil|student|kid|child)|"
    r"my teacher|my (mum|mom|dad|parents?) (says?|said|wont|won't)|at playtime i)\b"
)


def audience_of(text: str, role: str | None = None) -> str:
    """ "staff" for registered staff or staff wording, "pupil" for a pupil's own wording,
    else "parent"."""
    if role == "staff":
        return "staff"
    clean = clean_text(text)
    if _STAFF.search(clean):
        return "staff"
    if _PUPIL.search(clean):
        return "pupil"
    return "parent"


_ADDRESSED = {
    "staff": re.compile(r"\b(staff|employees?|teachers?|colleagues?)\b"),
    "pupil": re.compile(r"\b(pupils?|students?|children)\b"),
    "parent": re.compile(r"\b(parents?|carers?|guardians?|families)\b"),
}


def addressed_to(title: str) -> str | None:
    """The one audience a policy section's title addresses ("Use of social media by
    staff" -> "staff"), or None for a section about everyone or no one in particular."""
    found = [who for who, words in _ADDRESSED.items() if words.search(title.casefold())]
    return found[0] if len(found) == 1 else None
