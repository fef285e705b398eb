"""Notifications wait in the outbox until they can be delivered: to the chat registered for
the role, else the office fallback's chat, else they wait; failures are retried."""

from __future__ import annotations

from datetime import timedelta

from handlers.engine import Engine
from handlers.replies import Person
from storage.cases import case_by_reference, record_staff_response
from storage.outbox import Notice, due_notifications, mark_failed, mark_sent
from storage.people import set_role_chat
from storage.staff import revoke_staff
from tests.conftest import NOW, Chat
from tests.journeys import engine_with, raise_concern
from tests.staffing import register


def test_written_with_the_submission_and_waits_without_a_chat(chat, db):
    raise_concern(chat)
    row = next(db.query("SELECT recipient_role, chat_id, status, attempts FROM outbox"))
    assert row == {
        "recipient_role": "class_teacher:Year 3",
        "chat_id": None,
        "status": "pending",
        "attempts": 0,
    }
    assert due_notifications(db, NOW, 10) == []


def test_office_fallback_receives_until_the_role_holder_registers(knowledge, db):
    engine = engine_with(knowledge, db, office_chat_id=-100555)
    raise_concern(Chat(engine, Person("tg:42")))
    [due] = due_notifications(db, NOW, 10)
    assert (due.chat_id, due.recipient_role) == ("-100555", "class_teacher:Year 3")
    assert due.text.startswith("For the Year 3 class teacher")


def test_a_registered_role_holder_gets_it_directly(chat, db):
    set_role_chat(db, "class_teacher:Year 3", "tg:777", NOW)
    raise_concern(chat)
    [due] = due_notifications(db, NOW, 10)
    assert due.chat_id == "777"


def test_one_waiting_for_a_chat_is_delivered_once_someone_can_take_it(chat, db):
    raise_concern(chat)
    assert due_notifications(db, NOW, 10) == []
    set_role_chat(db, "office", "tg:-100555", NOW)
    [due] = due_notifications(db, NOW, 10)
    assert due.chat_id == "-100555"
    assert next(db.query("SELECT chat_id FROM outbox"))["chat_id"] == "tg:-100555"


def test_sent_once_and_failures_retried_later(chat, db):
    set_role_chat(db, "office", "tg:1", NOW)
    raise_concern(chat)
    [due] = due_notifications(db, NOW, 10)
    mark_failed(db, due.id, "Timed out", NOW + timedelta(minutes=5))
    assert due_notifications(db, NOW, 10) == []
    [again] = due_notifications(db, NOW + timedelta(minutes=5), 10)
    assert again.attempts == 1
    mark_sent(db, again.id, NOW + timedelta(minutes=5))
    assert due_notifications(db, NOW + timedelta(days=1), 10) == []
    row = next(db.query("SELECT status, attempts, last_error, sent_at FROM outbox"))
    assert row == {
        "status": "sent",
        "attempts": 2,
        "last_error": "Timed out",
        "sent_at": "2026-03-02T09:35:00+00:00",
    }


def test_given_up_when_there_is_no_retry_time(chat, db):
    set_role_chat(db, "office", "tg:1", NOW)
    raise_concern(chat)
    [due] = due_notifications(db, NOW, 10)
    mark_failed(db, due.id, "Forbidden: bot was blocked by the user", None)
    assert due_notifications(db, NOW + timedelta(days=30), 10) == []


def test_parent_notifications_go_to_the_parent_never_the_office(knowledge, db):
    engine = engine_with(knowledge, db, office_chat_id=-100555)
    parent = Chat(engine, Person("tg:42"))
    raise_concern(parent)
    case = case_by_reference(db, "BH-2026-0001")
    record_staff_response(
        db,
        case,
        case.assignee_role,
        "Sorted.",
        [Notice("The school replied about BH-2026-0001.", person_id=case.person_id)],
        NOW,
    )
    chats = {(n.chat_id, n.recipient_person) for n in due_notifications(db, NOW, 10)}
    assert chats == {("-100555", None), ("42", "tg:42")}


def test_only_the_transports_own_chats_are_returned(chat, db):
    raise_concern(chat)  # a "test:" parent: Telegram cannot reach them
    case = case_by_reference(db, "BH-2026-0001")
    record_staff_response(
        db, case, case.assignee_role, "Sorted.", [Notice("Reply.", person_id=case.person_id)], NOW
    )
    assert due_notifications(db, NOW, 10) == []
    assert [n.chat_id for n in due_notifications(db, NOW, 10, transport="test")] == ["parent-1"]


def test_the_office_chat_follows_the_configuration(knowledge, db):
    engine_with(knowledge, db, office_chat_id=-100555)
    assert db["role_chats"].get("office")["chat_id"] == "tg:-100555"
    Engine(knowledge, db, clock=lambda: NOW)  # configured without one
    assert db["role_chats"].count == 0


def test_a_restart_keeps_the_office_registered_by_invitation(knowledge, db):
    office = register(Engine(knowledge, db, clock=lambda: NOW), "office", "tg:555")
    Engine(knowledge, db, clock=lambda: NOW)  # a restart, no office_chat_id configured
    engine_with(knowledge, db, office_chat_id=-100555)  # nor does a configured chat displace it
    raise_concern(Chat(Engine(knowledge, db, clock=lambda: NOW), Person("tg:42")))
    [due] = due_notifications(db, NOW, 10)
    assert (due.chat_id, due.recipient_role) == ("555", "class_teacher:Year 3")
    office.send("/inbox")
    assert "BH-2026-0001" in office.text


def test_a_retry_after_revocation_goes_to_whoever_holds_the_role_now(knowledge, db):
    engine = Engine(knowledge, db, clock=lambda: NOW)
    register(engine, "class_teacher:Year 3", "tg:777")
    raise_concern(Chat(engine, Person("tg:42")))
    [due] = due_notifications(db, NOW, 10)
    assert due.chat_id == "777"
    mark_failed(db, due.id, "Timed out", NOW + timedelta(minutes=5))
    revoke_staff(db, "tg:777", NOW)
    assert due_notifications(db, NOW + timedelta(minutes=5), 10) == []  # nobody: it waits
    set_role_chat(db, "office", "tg:-100555", NOW)
    [again] = due_notifications(db, NOW + timedelta(minutes=5), 10)
    assert (again.id, again.chat_id) == (due.id, "-100555")


def test_the_terminal_chat_shows_its_own_notifications_once_and_marks_them_sent(engine, db):
    from io import StringIO

    from bot.console import run_chat

    head = register(engine, "headteacher", "local:head")
    parent = Chat(engine, Person("local:parent"))
    raise_concern(parent, about="A whole-school matter", class_name=None)
    case = case_by_reference(db, "BH-2026-0001")
    record_staff_response(
        db,
        case,
        "headteacher",
        "We will look at it.",
        [Notice("The school replied about BH-2026-0001.", person_id="local:parent")],
        NOW,
    )
    Chat(engine, Person("tg:999")).send("hello")  # someone else's chat: never shown here
    shown = StringIO()
    run_chat(engine, head.person, StringIO("/help\n"), shown)
    assert "Notification: For the Headteacher: a new concern, BH-2026-0001" in shown.getvalue()
    assert "The school replied" not in shown.getvalue()
    shown = StringIO()
    run_chat(engine, parent.person, StringIO(""), shown)
    assert "Notification: The school replied about BH-2026-0001." in shown.getvalue()
    again = StringIO()
    run_chat(engine, parent.person, StringIO(""), again)
    assert "Notification" not in again.getvalue()
    statuses = {row["status"] for row in db.query("SELECT status FROM outbox")}
    assert statuses == {"sent"}
