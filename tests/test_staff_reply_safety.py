"""A staff reply is never lost: the reply is written before the "type your reply" step
ends, so if writing it fails the step is still waiting and the same text (sent again, or
the update replayed) is recorded once."""

from __future__ import annotations

import sqlite3

import pytest

from handlers import inbox
from storage.cases import case_by_reference, timeline_of
from storage.conversations import load_conversation
from tests.journeys import raise_concern
from tests.staffing import register

REF = "BH-2026-0001"
REPLY = "We have spoken to the class about the group."


def test_a_reply_that_fails_to_save_is_still_awaited(engine, chat, db, monkeypatch):
    raise_concern(chat)
    teacher = register(engine, "class_teacher:Year 3")
    teacher.send(button=f"1:srep:{REF}")
    saving = inbox.record_staff_response

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(inbox, "record_staff_response", locked)
    with pytest.raises(sqlite3.OperationalError):
        teacher.send(REPLY)
    assert load_conversation(db, teacher.person.id).step == "reply"
    monkeypatch.setattr(inbox, "record_staff_response", saving)
    teacher.send(REPLY)
    assert "Reply recorded and sent to the parent" in teacher.text
    responses = [e.text for e in timeline_of(db, case_by_reference(db, REF).id) if e.text]
    assert responses == [REPLY]
    assert load_conversation(db, teacher.person.id) is None


def test_a_refused_reply_ends_the_step(engine, chat, db):
    raise_concern(chat)
    teacher = register(engine, "class_teacher:Year 3")
    teacher.send(button=f"1:srep:{REF}")
    chat.send("/mycases")
    chat.press(REF)
    chat.press("Withdraw")
    chat.press("Yes, withdraw it")
    teacher.send(REPLY)
    assert "withdrawn" in teacher.text
    assert load_conversation(db, teacher.person.id) is None
