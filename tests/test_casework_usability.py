"""Casework people can work with (issue 14), through the core: staff learn which child a
case is about, the inbox shows what matters in a stable order, staff get their own welcome,
help and typed references, every dead end offers a way on, and class names are understood
however they are typed."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.console import _pressed
from handlers import qa
from handlers.concern import _classes as concern_classes
from handlers.engine import Engine
from handlers.replies import Button, Person
from handlers.turn import Turn
from storage.cases import case_by_reference, cases_of, resolve_case
from tests.conftest import NOW, Chat
from tests.journeys import DETAILS, raise_concern, report_incident
from tests.staffing import register

REF1, REF2, REF3 = "BH-2026-0001", "BH-2026-0002", "BH-2026-0003"


# -- who the child is -------------------------------------------------------------------------
def test_the_child_and_parent_names_are_asked_shown_to_the_handler_and_kept_from_others(
    engine, chat, db
):
    chat.send("/concern")
    chat.press("Something in my child's class")
    chat.press("Year 3")
    chat.press("A concern")
    assert "What is your child's name?" in chat.text
    chat.send("Tom Smith")
    assert "Skip" in chat.labels  # the parent's own name is optional
    chat.send("Sam Smith")
    chat.send(DETAILS)
    chat.send("A word with the class, please.")
    chat.press("Reply here in the chat")
    assert "• Your child's name: Tom Smith" in chat.text
    assert "• Your name: Sam Smith" in chat.text
    chat.press("Submit")
    case = case_by_reference(db, REF1)
    assert (case.child_name, case.parent_name) == ("Tom Smith", "Sam Smith")

    teacher = register(engine, "class_teacher:Year 3")
    teacher.send(REF1)
    assert "Child: Tom Smith" in teacher.text
    assert "From: Sam Smith" in teacher.text
    other = register(engine, "class_teacher:Year 4")
    other.send(REF1)
    assert "Tom Smith" not in other.text
    assert "isn't available to you" in other.text
    staff_notices = [row["text"] for row in db["outbox"].rows_where("recipient_role IS NOT NULL")]
    assert not any("Tom Smith" in text for text in staff_notices)  # notices carry no names


def test_a_skipped_parent_name_shows_as_a_parent(engine, chat, db):
    raise_concern(chat, parent=None)
    assert case_by_reference(db, REF1).parent_name is None
    teacher = register(engine, "class_teacher:Year 3")
    teacher.send(REF1)
    assert "From: a parent" in teacher.text


def test_a_report_asks_the_names_only_when_the_sender_is_not_anonymous(chat, db):
    report_incident(chat, submit=False)
    assert "Your child's name: (not given)" in chat.text
    chat.send("/cancel")
    report_incident(chat, anonymous=True)
    assert "child's name" not in chat.text.lower()
    assert case_by_reference(db, REF1).child_name is None


def test_the_names_are_in_mydata_and_erased_by_forgetme(chat, db):
    raise_concern(chat)
    replies = chat.send("/mydata")
    (file,) = [file for reply in replies for file in reply.files]
    (exported,) = json.loads(file.data)["cases"]
    assert (exported["child_name"], exported["parent_name"]) == ("Tom Smith", "Sam Smith")
    resolve_case(db, cases_of(db, chat.person.id)[0], "class_teacher:Year 3", "Sorted.", [], NOW)
    chat.send("/forgetme")
    chat.press("Yes, delete my data")
    case = case_by_reference(db, REF1)
    assert (case.child_name, case.parent_name) == (None, None)


# -- routing and the staff side of escalation --------------------------------------------------
def test_a_formal_complaint_about_a_class_starts_with_the_headteacher(chat, db):
    raise_concern(chat, kind="A formal complaint", submit=False)
    assert "It will go to the Headteacher" in chat.text
    chat.press("Submit")
    case = case_by_reference(db, REF1)
    assert (case.kind, case.route, case.stage) == ("complaint", "headteacher", 1)


def test_a_case_passed_up_stays_out_of_the_passers_hands_at_the_next_stage(engine, chat, db):
    teacher = register(engine, "class_teacher:Year 3")
    head = register(engine, "headteacher")
    raise_concern(chat)
    teacher.send(button=f"1:sescok:{REF1}")
    head.send(button=f"1:srep:{REF1}")
    head.send("We have looked into it.")
    chat.send(button=f"1:escalate:{REF1}")
    chat.press("Yes, move it on")
    case = case_by_reference(db, REF1)
    assert (case.assignee_role, case.stage) == ("headteacher", 1)
    teacher.send(REF1)
    assert teacher.labels == ["Add internal note", "Inbox"]


def test_staff_escalate_asks_first_and_no_keeps_the_case(engine, chat, db):
    teacher = register(engine, "class_teacher:Year 3")
    raise_concern(chat)
    teacher.send(REF1)
    teacher.press("Escalate")
    assert "It leaves your inbox" in teacher.text
    teacher.press("No, keep it")
    assert case_by_reference(db, REF1).assignee_role == "class_teacher:Year 3"
    assert "Acknowledge" in teacher.labels


# -- the inbox ------------------------------------------------------------------------------
def test_the_inbox_puts_urgent_then_oldest_first_with_kind_excerpt_and_age(knowledge, db):
    parent = Chat(Engine(knowledge, db, clock=lambda: NOW), Person("test:p", "parent"))
    report_incident(parent)  # REF1, the headteacher's and the DSL's
    later = Engine(knowledge, db, clock=lambda: NOW + timedelta(days=1))
    parent = Chat(later, parent.person)
    parent.send("my daughter told me her stepdad hits her")  # REF2, safeguarding, urgent
    dsl = register(later, "dsl")
    dsl.send("/inbox")
    assert dsl.labels[:2] == [
        f"{REF2} · safeguarding concern · URGENT",
        f"{REF1} · online-incident report",
    ]
    assert "URGENT" in dsl.text
    assert '"my daughter told me her stepdad hits her"' in dsl.text
    assert "raised yesterday" in dsl.text


def test_acting_goes_by_reference_so_a_reordered_list_never_opens_another_case(knowledge, db):
    engine = Engine(knowledge, db, clock=lambda: NOW)
    parent = Chat(engine, Person("test:p", "parent"))
    raise_concern(parent)
    raise_concern(parent, details="Another matter: the reading books are not changed each week.")
    later = Engine(knowledge, db, clock=lambda: NOW + timedelta(days=10))  # both overdue
    teacher = register(later, "class_teacher:Year 3")
    teacher.send("/inbox")
    listed = teacher.last
    assert teacher.labels[:2] == [f"{REF1} · concern · overdue", f"{REF2} · concern · overdue"]
    teacher.press(REF1)
    teacher.press("Acknowledge")  # REF1 is no longer overdue: the list order changes
    teacher.send("/inbox")
    assert teacher.labels[:2] == [f"{REF2} · concern · overdue", f"{REF1} · concern"]
    teacher.last = listed  # a button from the list on screen before
    teacher.press(REF2)
    assert teacher.text.startswith(f"{REF2}: concern")
    teacher.send(REF1.lower())  # a typed reference opens that case, whatever the order
    assert teacher.text.startswith(f"{REF1}: concern")


def test_a_typed_reference_from_a_parent_is_still_a_question(chat):
    raise_concern(chat)
    chat.send(REF1)
    assert "Child:" not in chat.text


# -- staff welcome and help ---------------------------------------------------------------------
def test_staff_start_gets_a_staff_welcome_with_an_inbox_button(engine):
    teacher = register(engine, "class_teacher:Year 3")
    teacher.send("/start")
    assert "registered with the Biggin Hill Primary School policy helper" in teacher.text
    assert teacher.labels[0] == "Inbox"
    teacher.press("Inbox")
    assert "Nothing open for the Year 3 class teacher" in teacher.text


def test_help_lists_only_the_commands_the_role_may_use(engine, chat):
    teacher = register(engine, "class_teacher:Year 3")
    teacher.send("/help")
    assert "/inbox" in teacher.text
    assert "/gaps" not in teacher.text
    assert "/forgetme" not in teacher.text  # staff are pointed to the office
    head = register(engine, "headteacher")
    head.send("/help")
    assert "/gaps" in head.text
    chat.send("/help")
    assert "/inbox" not in chat.text
    assert "/forgetme" in chat.text


# -- routes that go somewhere --------------------------------------------------------------------
def test_ask_a_person_gives_the_office_phone(chat):
    chat.send("/start")
    chat.send(button="1:contact")
    assert "phone the school office on 01632 960 000" in chat.text
    assert chat.labels


def test_a_thumbs_down_offers_ways_on(chat, db):
    chat.send("can I post photos from sports day?")
    chat.press("Not helpful")
    assert "noted it" in chat.text
    assert chat.labels[:2] == ["Ask a person", "Ask another question"]
    chat.press("Ask a person")
    assert "01632 960 000" in chat.text


def test_every_reply_on_the_main_routes_offers_a_way_on(engine, chat):
    for command in ("/start", "/help", "/policy", "/mycases", "/concern", "/cancel"):
        chat.send(command)
        assert all(reply.buttons for reply in chat.last), command
    teacher = register(engine, "class_teacher:Year 3")
    for command in ("/start", "/help", "/inbox"):
        teacher.send(command)
        assert all(reply.buttons for reply in teacher.last), command


# -- class names, typed --------------------------------------------------------------------------
def test_class_names_are_understood_however_they_are_typed(chat, db):
    for typed in ("y3", "year three", "Year 3", "3", "yr 3"):
        chat.send("/concern")
        chat.press("Something in my child's class")
        chat.send(typed)
        assert "concern or a formal complaint" in chat.text, typed
        assert chat.engine.db["conversations"].count == 1
        chat.send("/cancel")


def test_class_buttons_put_year_n_at_number_n(knowledge, db):
    turn = Turn(knowledge, db, Person("test:p"), NOW)
    assert [option.label for option in concern_classes(turn, {})] == [
        "Year 1",
        "Year 2",
        "Year 3",
        "Year 4",
        "Year 5",
        "Year 6",
        "Reception",
    ]


def test_the_terminal_takes_a_number_in_one_label_as_that_label_not_a_position():
    classes = tuple(
        Button(name, f"1:pick:class_name:{i}")
        for i, name in enumerate(["Reception", "Year 1", "Year 2", "Year 3"])
    )
    assert _pressed("3", classes).label == "Year 3"  # never Year 2, the third button
    assert _pressed("1", classes).label == "Year 1"
    assert _pressed("4", classes).label == "Year 3"  # no label says 4: the fourth button


def test_the_terminal_keeps_numbers_as_positions_in_a_numbered_list(knowledge):
    sections = qa.policy_index(knowledge).buttons
    assert _pressed("4", sections) is sections[3]
