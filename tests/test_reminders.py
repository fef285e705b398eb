"""The casework clock: reminders a school day before a deadline, escalation and a parent
update when it passes, a morning digest per role, the policy review reminder weekly, and
none of them ever twice however often the tick runs."""

from __future__ import annotations

from datetime import timedelta

from handlers.reminders import casework_tick
from tests.conftest import NOW
from tests.journeys import raise_concern

MON, FRI, SAT, NEXT_TUE = (NOW + timedelta(days=days) for days in (0, 4, 5, 8))


def queued(db, like: str) -> list[dict]:
    return list(
        db.query(
            "SELECT recipient_role, recipient_person, text FROM outbox "
            "WHERE text LIKE ? ORDER BY id",
            [f"%{like}%"],
        )
    )


def test_each_occasion_is_queued_once(chat, db, knowledge):
    raise_concern(chat)
    assert casework_tick(db, knowledge, MON) == 2  # the digest and the policy review
    assert casework_tick(db, knowledge, MON + timedelta(minutes=1)) == 0
    (digest,) = queued(db, "open case this morning")
    assert digest["recipient_role"] == "class_teacher:Year 3"
    assert "BH-2026-0001" in digest["text"]
    assert len(queued(db, "was due for review")) == 1

    casework_tick(db, knowledge, FRI)
    casework_tick(db, knowledge, FRI + timedelta(hours=1))
    (soon,) = queued(db, "reminder, please acknowledge BH-2026-0001")
    assert soon["recipient_role"] == "class_teacher:Year 3"
    assert "Monday 9 March 2026" in soon["text"]

    casework_tick(db, knowledge, NEXT_TUE)
    casework_tick(db, knowledge, NEXT_TUE + timedelta(hours=2))
    (overdue,) = queued(db, "is overdue")
    assert overdue["recipient_role"] == "headteacher"
    (parent,) = queued(db, "haven't yet")
    assert parent["recipient_person"] == "test:parent-1"
    assert len(queued(db, "was due for review")) == 2  # a new week
    assert len(queued(db, "this morning")) == 3  # Monday, Friday, Tuesday


def test_no_digest_at_weekends_or_before_the_morning(chat, db, knowledge):
    raise_concern(chat)
    casework_tick(db, knowledge, SAT)
    casework_tick(db, knowledge, MON.replace(hour=5))
    assert queued(db, "this morning") == []


def test_acknowledged_cases_count_towards_the_respond_deadline(chat, db, knowledge):
    raise_concern(chat)
    db.execute("UPDATE submissions SET status = 'acknowledged'")
    casework_tick(db, knowledge, NEXT_TUE)
    assert queued(db, "is overdue") == []  # respond by is 15 school days away
