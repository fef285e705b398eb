"""Whole journeys through the concern and report flows, pressing buttons by label the way a
parent would, for tests that care about what happens at the end."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from handlers.engine import Engine
from handlers.replies import Attachment
from tests.conftest import NOW

DETAILS = "The class WhatsApp group has become unkind and my son is upset every evening."
PNG = b"\x89PNG\r\n\x1a\n" + b"screenshot" * 10


def raise_concern(
    chat,
    about: str = "Something in my child's class",
    class_name: str | None = "Year 3",
    kind: str = "A concern",
    child: str = "Tom Smith",
    parent: str | None = "Sam Smith",
    details: str = DETAILS,
    outcome: str = "A word with the class, please.",
    contact: str = "Reply here in the chat",
    submit: bool = True,
):
    """Walk the concern flow to the summary (and press Submit unless told not to)."""
    chat.send("/concern")
    chat.press(about)
    if class_name:
        chat.press(class_name)
    chat.press(kind)
    chat.send(child)
    if parent:
        chat.send(parent)
    else:
        chat.press("Skip")
    chat.send(details)
    chat.send(outcome)
    chat.press(contact)
    if submit:
        chat.press("Submit")
    return chat.last


def screenshot(name: str = "post.png", data: bytes | None = PNG) -> Attachment:
    return Attachment(
        "photo", f"file-{name}", name, "image/png", len(data) if data else 1234, data
    )


def report_incident(
    chat,
    kind: str = "Cyberbullying",
    involved: str = "A pupil",
    files: tuple[Attachment, ...] = (),
    notes: str | None = None,
    anonymous: bool = False,
    submit: bool = True,
):
    """Walk the report flow to the summary (and press Submit unless told not to)."""
    chat.send("/report")
    chat.press(kind)
    chat.send("Instagram, https://instagram.com/p/abc123")
    chat.send("Last night at about 9pm")
    chat.press(involved)
    if files:
        chat.send(media="photo", attachments=files)
    if notes:
        chat.send(notes)
    chat.press("Done")
    chat.press("Yes, keep me anonymous" if anonymous else "No, the school can reply")
    if not anonymous:
        chat.press("Skip")  # the child's name
        chat.press("Skip")  # the parent's name
    if submit:
        chat.press("Submit")
    return chat.last


def engine_with(knowledge, db, **casework) -> Engine:
    """An engine whose school has these casework settings changed."""
    school = knowledge.school
    school = replace(school, casework=replace(school.casework, **casework))
    return Engine(replace(knowledge, school=school), db, clock=lambda: NOW)


def run_policybot(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """`policybot ARGS` in a new process on a database in `tmp_path`, as a school's IT
    person would run it; whatever it exits with, it never shows a traceback."""
    env = {**os.environ, "POLICYBOT_DB": str(tmp_path / "cli.db")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result
