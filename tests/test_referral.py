"""A safeguarding referral stays with the DSL (issue 12, issue 11 High 2 and Medium 5-7):
allegations against staff reach the headteacher (or the chair) and the DSL the same day and
never the person named; nobody is left unalerted when no DSL is registered; the parent cannot
withdraw or move it on; the conversation after it adds to it, never to /gaps; files sent
with the message that raised it are kept; it runs on calendar hours, holidays included."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.cli import main
from handlers.access import may_handle
from handlers.engine import Engine
from handlers.reminders import casework_tick
from handlers.replies import Person
from storage.attachments import files_of
from storage.cases import all_cases, escalate_case, timeline_of
from tests.conftest import NOW, Chat
from tests.journeys import raise_concern, report_incident, screenshot
from tests.staffing import register

DISCLOSURE = "my daughter told me her stepdad hits her"


def only_case(db):
    [case] = all_cases(db)
    return case


def notified(db) -> list[str]:
    return [row["recipient_role"] for row in db.query("SELECT recipient_role FROM outbox")]


# -- item 2: allegations against staff ---------------------------------------------------------
def test_an_allegation_against_staff_goes_to_the_dsl_and_the_headteacher_same_day(
    chat, db, engine
):
    register(engine, "dsl")
    chat.send("my kid said the dinner lady hit him")
    case = only_case(db)
    assert (case.kind, case.route, case.assignee_role, case.about) == (
        "safeguarding",
        "dsl+headteacher",
        "dsl",
        "staff",
    )
    assert notified(db) == ["dsl", "headteacher"]
    assert "local authority designated officer (LADO)" in chat.text
    lado = list(db.query("SELECT text FROM outbox WHERE recipient_role = 'headteacher'"))
    assert "LADO" in lado[0]["text"]
    assert datetime.fromisoformat(case.acknowledge_by) - NOW == timedelta(hours=4)


def test_an_allegation_about_the_headteacher_goes_to_the_chair_never_the_head(chat, db, engine):
    register(engine, "dsl")
    register(engine, "chair_of_governors")
    head = register(engine, "headteacher")
    chat.send("the headteacher slapped a boy in assembly, my son saw it")
    case = only_case(db)
    assert (case.route, case.about) == ("dsl+chair_of_governors", "head")
    assert "headteacher" not in notified(db)
    assert not may_handle("headteacher", case)
    head.send("/inbox")
    assert case.reference not in head.text


def test_an_allegation_typed_in_a_concern_is_a_referral_not_a_concern(chat, db, engine):
    register(engine, "dsl")
    chat.send("/concern")
    chat.press("A member of staff")
    chat.press("A concern")
    chat.send("the teaching assistant grabbed my son by the arm and left bruises")
    case = only_case(db)
    assert (case.kind, case.route) == ("safeguarding", "dsl+headteacher")
    assert "within 5 school days" not in chat.text


def test_a_concern_cut_short_by_a_referral_goes_whole_to_the_dsl_and_the_parent_is_told(
    chat, db, engine
):
    register(engine, "dsl")
    chat.send("/concern")
    chat.press("Something in my child's class")
    chat.press("Year 3")
    chat.press("A concern")
    chat.send("Tom Smith")
    chat.send("Sam Smith")
    chat.send(
        "My son says another boy in his class keeps pushing him. "
        "Also his stepdad hits him at home when he is naughty."
    )
    case = only_case(db)
    assert case.kind == "safeguarding"
    assert "another boy in his class keeps pushing him" in case.details
    assert (case.class_name, case.child_name, case.parent_name) == (
        "Year 3",
        "Tom Smith",
        "Sam Smith",
    )
    assert notified(db) == ["dsl"]
    assert "Your concern has not been sent separately" in chat.text
    assert "such as what happens in Year 3, reaches the right person" in chat.text
    assert "What is the child's name" not in chat.text  # already given in the concern


def test_a_referral_outside_any_flow_says_nothing_about_a_concern(chat, db):
    chat.send(DISCLOSURE)
    assert "not been sent separately" not in chat.text


def test_harm_by_the_class_teacher_in_a_class_concern_never_reaches_the_class_teacher(
    chat, db, engine
):
    register(engine, "dsl")
    chat.send("/concern")
    chat.press("Something in my child's class")
    chat.press("Year 3")
    chat.press("A concern")
    chat.send("Tom Smith")
    chat.send("Sam Smith")
    chat.send(
        "The class teacher shouted at my son and grabbed his arm. "
        "I do not want the teacher to see this."
    )
    case = only_case(db)
    assert (case.kind, case.route, case.about) == ("safeguarding", "dsl+headteacher", "staff")
    assert not any(role.startswith("class_teacher") for role in notified(db))
    assert "it does not go to the person it is about" in chat.text


# -- item 4: nobody left unalerted -------------------------------------------------------------
def test_with_no_dsl_registered_the_head_and_office_are_told_and_so_is_the_parent(chat, db):
    chat.send(DISCLOSURE)
    assert notified(db) == ["dsl", "headteacher", "office"]
    assert "Nobody is registered as the school's Designated Safeguarding Lead" in chat.text
    assert "Headteacher and the School Office" in chat.text
    assert "I've passed it straight to" not in chat.text


def test_with_a_dsl_registered_it_goes_to_them_alone(chat, db, engine):
    register(engine, "dsl")
    chat.send(DISCLOSURE)
    assert notified(db) == ["dsl"]
    assert "I've passed it straight to the school's Designated Safeguarding Lead" in chat.text


def test_office_inbox_names_every_role_with_nobody_and_what_is_waiting(chat, engine):
    chat.send(DISCLOSURE)  # queued while nobody at all can receive it
    office = register(engine, "office")
    office.send("/inbox")
    assert "Nobody is registered as the Designated Safeguarding Lead" in office.text
    assert "Year 3 class teacher" in office.text
    register(engine, "dsl")
    office.send("/inbox")
    assert "Nobody is registered as the Designated Safeguarding Lead" not in office.text


def test_doctor_warns_about_roles_with_nobody_and_waiting_notifications(
    tmp_path, monkeypatch, knowledge, capsys
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "policybot.db"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    from storage.db import open_database

    engine = Engine(knowledge, open_database(tmp_path / "policybot.db"), clock=lambda: NOW)
    Chat(engine, Person(id="test:p", name="Sam")).send(DISCLOSURE)
    assert main(["doctor"]) == 0  # a warning, not a failure
    out = capsys.readouterr().out
    assert "WARN  staff registered: Nobody is registered as the Designated Safeguarding" in out
    assert "Notifications waiting for someone to receive them: Designated Safeguarding" in out


# -- item 3 and High 2: the referral stays with the DSL ----------------------------------------
def test_a_referral_cannot_be_withdrawn_even_by_a_forged_button(chat, db):
    chat.send(DISCLOSURE)
    reference = only_case(db).reference
    chat.send("/cancel")
    chat.send("/mycases")
    chat.press(reference)
    assert "Withdraw" not in " ".join(chat.labels)
    assert "Add more information" in " ".join(chat.labels)
    chat.send(button=f"1:withdrawok:{reference}")
    assert "can't be withdrawn" in chat.text
    assert only_case(db).status == "open"


def test_a_pupil_report_is_never_escalated_by_the_parent_past_the_dsl(chat, db, engine):
    report_incident(chat, involved="A pupil")
    reference = only_case(db).reference
    head = register(engine, "headteacher")
    head.send(button=f"1:sc:{reference}")
    head.press("Reply to parent")
    head.send("We have spoken to the pupils involved.")
    chat.send(button=f"1:case:{reference}")
    assert not {"Withdraw", "Not resolved — escalate"} & set(chat.labels)
    chat.send(button=f"1:escalate:{reference}")
    chat.send(button=f"1:escalate:{reference}")
    case = only_case(db)
    assert "dsl" in case.route.split("+")
    assert case.stage == 0


def test_the_legal_hold_follows_the_cases_history_not_its_route(chat, db):
    report_incident(chat, involved="A pupil", notes="They posted it twice.")
    case = only_case(db)
    escalate_case(  # however its route changes later, the DSL once had it
        db,
        case,
        assignee_role="clerk",
        route="clerk",
        stage=2,
        acknowledge_by="2026-03-09",
        respond_by="2026-03-23",
        notices=[],
        now=NOW,
    )
    db["submissions"].update(case.id, {"status": "closed"})
    chat.send("/forgetme")
    chat.press("Yes, delete my data")
    kept = only_case(db)
    assert kept.person_id == "test:parent-1"
    assert kept.details is not None


def test_what_is_sent_after_a_referral_goes_on_it_never_to_gaps(chat, db, engine):
    register(engine, "dsl")
    chat.send(DISCLOSURE)
    assert "What is the child's name?" in chat.text
    chat.send("her name is Lily in year 2, she told him yesterday")
    case = only_case(db)
    assert (case.child_name, case.class_name) == ("Lily", "Year 2")
    assert "phone number" in chat.text
    chat.send("07700 900123")
    assert "What happens now" in chat.text
    chat.send("what happens now?")
    assert "What happens now" in chat.text
    chat.send("she also said he drinks a lot")
    case = only_case(db)
    assert (case.contact_method, case.contact_detail) == ("phone", "07700 900123")
    texts = [entry.text for entry in timeline_of(db, case.id)]
    assert "her name is Lily in year 2, she told him yesterday" in texts
    assert "she also said he drinks a lot" in texts
    assert db["questions"].count == 0
    assert len(all_cases(db)) == 1
    dsl = Chat(engine, Person(id="test:dsl"))
    dsl.send(button=f"1:sc:{case.reference}")
    assert "Child: Lily" in dsl.text
    assert "Class: Year 2" in dsl.text
    assert "07700 900123" in dsl.text


def test_each_question_after_a_referral_can_be_skipped(chat, db):
    chat.send(DISCLOSURE)
    chat.press("Skip")
    assert "Which class" in chat.text
    chat.press("Year 4")
    assert only_case(db).class_name == "Year 4"
    chat.press("Skip")
    assert "What happens now" in chat.text
    chat.press("Done")
    assert db["conversations"].count == 0
    chat.send("can I post photos of my child on facebook")
    assert db["questions"].count == 1


def test_choosing_to_ask_a_question_leaves_the_referral(chat, db):
    chat.send(DISCLOSURE)
    chat.send(button="1:ask")
    chat.send("can I post photos of my child on facebook")
    assert db["questions"].count == 1
    assert len(timeline_of(db, only_case(db).id)) == 1


def test_after_a_quiet_while_messages_are_questions_again(chat, db, knowledge):
    chat.send(DISCLOSURE)
    later = Engine(knowledge, db, clock=lambda: NOW + timedelta(hours=3))
    Chat(later, chat.person).send("can I post photos of my child on facebook")
    assert db["questions"].count == 1
    assert len(timeline_of(db, only_case(db).id)) == 1


# -- Medium 7: files sent with the message that raises it ---------------------------------------
def test_a_captioned_photo_at_the_evidence_step_is_kept_on_the_referral(chat, db):
    chat.send("/report")
    chat.press("Cyberbullying")
    chat.send("Snapchat")
    chat.send("Last night")
    chat.press("A pupil")
    chat.send(
        "a man keeps messaging her and asked her to keep it secret",
        media="photo",
        attachments=(screenshot("chat.png"),),
    )
    case = only_case(db)
    assert case.kind == "safeguarding"
    assert [f.file_name for f in files_of(db, case.id)] == ["chat.png"]


def test_a_screenshot_added_to_an_ordinary_case_that_raises_safeguarding_goes_with_it(chat, db):
    raise_concern(chat)
    concern = only_case(db)
    chat.send("/mycases")
    chat.press(concern.reference)
    chat.press("Add more information")
    chat.send("she says she wants to die", media="photo", attachments=(screenshot("msg.png"),))
    referral = next(case for case in all_cases(db) if case.kind == "safeguarding")
    assert [f.file_name for f in files_of(db, referral.id)] == ["msg.png"]


def test_a_photo_with_a_worrying_caption_outside_any_flow_is_referred_with_it(chat, db):
    chat.send("my son says his dad punched him", media="photo", attachments=(screenshot(),))
    case = only_case(db)
    assert case.kind == "safeguarding"
    assert len(files_of(db, case.id)) == 1


# -- Medium 6: calendar hours, every day -------------------------------------------------------
def test_a_holiday_referral_is_due_in_hours_and_chased_the_same_day(knowledge, db):
    summer = datetime(2026, 7, 25, 10, 0, tzinfo=UTC)  # a Saturday in the summer holidays
    engine = Engine(knowledge, db, clock=lambda: summer)
    parent = Chat(engine, Person(id="test:parent-1", name="Sam"))
    parent.send(DISCLOSURE)
    case = only_case(db)
    assert "Saturday 25 July 2026, 3:00pm" in parent.text  # 14:00 UTC is 3pm in London
    assert "999" in parent.text
    assert casework_tick(db, knowledge, summer + timedelta(minutes=30)) >= 0
    assert "has not been picked up" not in " ".join(r["text"] for r in db["outbox"].rows)
    casework_tick(db, knowledge, summer + timedelta(hours=1, minutes=1))
    waiting = list(db.query("SELECT recipient_role FROM outbox WHERE text LIKE '%picked up%'"))
    assert [row["recipient_role"] for row in waiting] == ["dsl"]
    casework_tick(db, knowledge, summer + timedelta(hours=4, minutes=1))
    casework_tick(db, knowledge, summer + timedelta(hours=5))
    late = list(db.query("SELECT recipient_role FROM outbox WHERE text LIKE '%has not been.%'"))
    assert [row["recipient_role"] for row in late] == ["headteacher"]
    assert case.acknowledge_by == "2026-07-25T14:00:00+00:00"


def test_an_acknowledged_referral_is_not_chased(knowledge, db, engine, chat):
    dsl = register(engine, "dsl")
    chat.send(DISCLOSURE)
    reference = only_case(db).reference
    dsl.send(button=f"1:sc:{reference}")
    dsl.press("Acknowledge")
    casework_tick(db, knowledge, NOW + timedelta(hours=5))
    assert not list(db.query("SELECT id FROM outbox WHERE text LIKE '%not been picked up%'"))


def test_the_referral_case_keeps_its_hours_when_shown_to_the_parent(chat, db):
    chat.send(DISCLOSURE)
    case = replace(only_case(db))
    chat.send("/cancel")
    chat.send("/mycases")
    chat.press(case.reference)
    assert "Monday 2 March 2026, 1:30pm" in chat.text
