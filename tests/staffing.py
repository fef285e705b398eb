"""Registering staff the way they would: an invitation code, then `/start <code>`."""

from __future__ import annotations

from handlers.engine import Engine
from handlers.replies import Person
from handlers.staff import invite
from tests.conftest import Chat


def register(engine: Engine, role: str, person_id: str | None = None) -> Chat:
    """A chat for someone who has redeemed an invitation for `role`."""
    code, _ = invite(engine.db, role, f"Test {role}", engine.clock())
    chat = Chat(engine, Person(id=person_id or f"test:{role}", name="Jo Staffname"))
    chat.send(f"/start {code}")
    assert "You're registered" in chat.text, chat.text
    return chat
