"""Property-based fuzzing: arbitrary Unicode, control characters, huge inputs, media and
forged or offered button presses thrown at the matcher and through every flow step. Nothing
may raise, and every reply says something.

CI runs a few hundred examples per property; `HYPOTHESIS_PROFILE=fuzz make test` (or
`.venv/bin/python -m pytest tests/test_fuzz.py`) runs 10,000 per property."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.engine import Engine
from handlers.replies import Attachment, Incoming, Person
from storage.db import open_database
from tests.conftest import NOW

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "So", "Sk"]), max_size=50),
    st.text(min_size=3000, max_size=6000),
    st.sampled_from(
        [
            "/start",
            "/concern",
            "/report",
            "/mycases",
            "/cancel",
            "/help",
            "/policy",
            "/privacy",
            "/attach /etc/passwd",
            "/start concern",
            "<b>x</b>",
            "'; DROP TABLE submissions; --",
            "Year 3",
            "Submit",
            "Done",
        ]
    ),
)
FORGED = st.one_of(
    st.text(max_size=80), st.from_regex(r"1:[a-z]{1,10}(:[A-Za-z0-9.:_-]{0,30})?", fullmatch=True)
)
MEDIA = st.sampled_from(["sticker", "voice", "photo", "document", "location", "edited", "poll"])


@st.composite
def steps(draw) -> list[tuple[str, object]]:
    """A conversation: typed text, media (with or without a file), a press of one of the
    buttons on offer (chosen later by index), or forged button data."""
    step = st.one_of(
        st.tuples(st.just("text"), TEXT),
        st.tuples(st.just("media"), MEDIA),
        st.tuples(st.just("offered"), st.integers(min_value=0, max_value=12)),
        st.tuples(st.just("forged"), FORGED),
    )
    return draw(st.lists(step, min_size=1, max_size=12))


@given(TEXT)
def test_matcher_never_raises_and_stays_in_range(knowledge, text):
    match = knowledge.matcher.match(text)
    assert 0.0 <= match.confidence <= 1.0
    assert match.section is None or match.section in knowledge.policy.numbers
    assert match.action in (None, "concern", "report")


@given(steps())
def test_every_flow_step_survives_anything(knowledge, conversation):
    with tempfile.TemporaryDirectory() as folder:  # attachments live beside the database
        _converse(
            Engine(knowledge, open_database(Path(folder) / "fuzz.db"), clock=lambda: NOW),
            conversation,
        )


def _converse(engine: Engine, conversation: list[tuple[str, object]]) -> None:
    person = Person(id="fuzz:1")
    offered: tuple = ()
    for kind, value in conversation:
        if kind == "text":
            incoming = Incoming(text=value)
        elif kind == "media":
            file = Attachment(value, f"id-{value}", "x.png", "image/png", 10, b"\x89PNG....")
            incoming = Incoming(media=value, attachments=(file,))
        elif kind == "offered" and offered:
            incoming = Incoming(button=offered[value % len(offered)].data)
        else:
            incoming = Incoming(button=str(value))
        replies = engine.handle(person, incoming)
        assert replies
        assert all(reply.text.strip() for reply in replies)
        offered = tuple(b for r in replies for b in r.buttons if b.url is None) or offered
