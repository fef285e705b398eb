"""Topics a school complaints procedure does not cover, because each has its own statutory
route (admissions, suspensions and exclusions, SEN assessments, whistleblowing, staff
grievances). Spotted by keywords so a parent is pointed to the right route, not into a
complaint that would be turned away."""

from __future__ import annotations

import re

from knowledge.normalise import clean_text

EXCLUDED_TOPICS = ("admissions", "exclusions", "sen", "whistleblowing", "grievance")

_TOPICS = {
    "admissions": r"admissions?|school place|place at (the|this|our) school|waiting list|"
    r"in ?year (transfer|application)|offer of a place|appeal for a place",
    "exclusions": r"(permanent(ly)?|fixed ?term) exclu\w+|exclu(ded|sion) from school|"
    r"excluded for \w+ days?|exclusion (letter|appeal|review|meeting)|"
    r"suspended from school|(been|was|got) suspended|suspension|expelled",
    "sen": r"ehcp|ehc plan|ehc needs|education health and care|(sen|send|statutory|needs) "
    r"assessment",
    "whistleblowing": r"whistle ?blow\w*",
    "grievance": r"grievance|my (employment|contract of employment|line manager)",
}
_DETECT = {topic: re.compile(rf"\b({pattern})\b") for topic, pattern in _TOPICS.items()}


def excluded_topic(text: str) -> str | None:
    """The excluded topic `text` is about (one of EXCLUDED_TOPICS), or None."""
    clean = clean_text(text or "")
    return next((topic for topic, found in _DETECT.items() if found.search(clean)), None)
