"""Overdue means the school still owes something past its date: an acknowledgement while
the case is open, a response once acknowledged. A case acknowledged and answered in time is
not overdue later on, in `policybot report` or in the inbox."""

from __future__ import annotations

from datetime import timedelta

from handlers.engine import Engine
from handlers.replies import Person
from handlers.review import summarise
from handlers.templates import render
from storage.cases import all_cases, case_by_reference
from tests.conftest import NOW, Chat
from tests.journeys import raise_concern
from tests.staffing import register

ANSWERED, WAITING = "BH-2026-0001", "BH-2026-0002"
WEEKS_LATER = NOW + timedelta(days=28)  # past both cases' respond-by dates


def answered_in_time_and_one_left_waiting(knowledge, db) -> None:
    engine = Engine(knowledge, db, clock=lambda: NOW)
    parent = Chat(engine, Person("test:parent"))
    raise_concern(parent)
    raise_concern(parent, details="Someone in the class keeps sharing photos of the children.")
    teacher = register(engine, "class_teacher:Year 3")
    teacher.send(button=f"1:sack:{ANSWERED}")
    teacher.send(button=f"1:srep:{ANSWERED}")
    teacher.send("We have spoken to the class.")
    answered = case_by_reference(db, ANSWERED)
    assert answered.status == "responded"
    assert answered.respond_by < WEEKS_LATER.date().isoformat()


def test_the_governors_report_counts_only_what_is_still_owed(knowledge, db):
    answered_in_time_and_one_left_waiting(knowledge, db)
    summary = summarise(all_cases(db), WEEKS_LATER.date())
    assert summary.overdue == 1
    assert "Overdue now: 1" in render("annual_report", since=None, summary=summary)


def test_the_inbox_marks_only_what_is_still_owed(knowledge, db):
    answered_in_time_and_one_left_waiting(knowledge, db)
    later = Engine(knowledge, db, clock=lambda: WEEKS_LATER)
    teacher = register(later, "class_teacher:Year 3", "test:teacher-later")
    teacher.send("/inbox")
    assert f"{WAITING} · concern · overdue" in teacher.labels
    assert f"{ANSWERED} · concern" in teacher.labels
    teacher.press(ANSWERED)
    assert "OVERDUE" not in teacher.text
