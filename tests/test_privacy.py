"""Privacy under UK GDPR: the notice, /mydata, /forgetme and the daily retention sweep."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest

from bot.console import run_chat
from handlers.privacy import apply_retention
from handlers.reminders import casework_tick
from handlers.replies import Person
from knowledge.casework import load_casework
from storage.cases import add_case_message, case_by_reference, cases_of, resolve_case
from storage.people import ERASED
from storage.questions import log_question
from tests.conftest import NOW
from tests.journeys import raise_concern, report_incident, screenshot
from tests.staffing import register

SECRET_DETAILS = "My neighbour Pat Example keeps posting about my daughter."


def export(chat) -> dict:
    """Send /mydata and read the JSON file it returns."""
    replies = chat.send("/mydata")
    (file,) = [file for reply in replies for file in reply.files]
    assert file.file_name == f"my-data-{NOW.date()}.json"
    assert file.mime_type == "application/json"
    assert file.size == len(file.data)
    return json.loads(file.data)


def closed(db, chat, details: str = SECRET_DETAILS, **report) -> str:
    """A report the parent sent (with a file) that the headteacher has resolved."""
    report_incident(
        chat,
        involved=report.pop("involved", "A parent or other adult"),
        files=(screenshot(),),
        notes=details,
        **report,
    )
    case = cases_of(db, chat.person.id)[0]
    resolve_case(db, case, "headteacher", "We spoke to them.", [], NOW)
    return case.reference


def saved_files(db) -> list[Path]:
    return sorted(
        (Path(db.conn.execute("PRAGMA database_list").fetchone()[2]).parent / "attachments").glob(
            "*"
        )
    )


def test_privacy_notice_states_the_retention_periods(chat):
    chat.send("/privacy")
    assert "365 days" in chat.text
    assert "6 years" in chat.text
    assert "/mydata" in chat.text
    assert "/forgetme" in chat.text
    chat.send("/start")
    assert "365 days" in chat.text
    assert "6 years" in chat.text


def test_mydata_exports_own_data_only_without_internal_notes(chat, other_parent, db):
    raise_concern(chat)
    raise_concern(other_parent, details="Someone else's worry about the Year 3 trip photos.")
    case = cases_of(db, chat.person.id)[0]
    add_case_message(
        db,
        case,
        "Internal: parent seems upset",
        [],
        NOW,
        actor="class_teacher:Year 3",
        event="note",
    )
    add_case_message(
        db,
        case,
        "We will talk to the class.",
        [],
        NOW,
        actor="class_teacher:Year 3",
        event="response",
    )
    chat.send("/report")  # an unfinished form is held too
    data = export(chat)
    assert data["person"]["id"] == chat.person.id
    assert [c["reference"] for c in data["cases"]] == [case.reference]
    events = [entry["event"] for entry in data["cases"][0]["timeline"]]
    assert "response" in events
    assert "note" not in events
    assert data["conversation"]["flow"] == "report"
    text = json.dumps(data)
    assert "Internal: parent seems upset" not in text
    assert "Someone else's worry" not in text
    assert other_parent.person.id not in text


def test_mydata_lists_file_details_and_messages_to_the_parent(chat, db):
    reference = closed(db, chat)
    data = export(chat)
    (file,) = data["cases"][0]["files"]
    assert file["file_name"] == "post.png"
    assert file["sha256"]
    assert "path" not in file  # where the school keeps it is not the parent's data
    assert data["cases"][0]["reference"] == reference


def test_a_person_with_nothing_held_gets_an_empty_export(chat):
    data = export(chat)
    assert data["person"] is None
    assert data["cases"] == []
    assert data["conversation"] is None


def test_forgetme_asks_first_and_no_keeps_everything(chat, db):
    raise_concern(chat)
    chat.send("/forgetme")
    assert chat.labels == ["Yes, delete my data", "No, keep it"]
    chat.press("No, keep it")
    assert "Nothing was deleted" in chat.text
    assert cases_of(db, chat.person.id)


def test_forgetme_keeps_open_and_safeguarding_cases_and_erases_the_rest(chat, other_parent, db):
    done = closed(db, chat)
    pupil = closed(db, chat, details="A pupil was filmed.", involved="A pupil")
    raise_concern(chat)
    still_open = cases_of(db, chat.person.id)[0].reference
    raise_concern(other_parent)
    assert len(saved_files(db)) == 2
    chat.send("/forgetme")
    assert pupil in chat.text
    assert still_open in chat.text
    assert done not in chat.text
    chat.press("Yes, delete my data")
    assert "safeguarding" in chat.text
    assert "still open" in chat.text

    gone = case_by_reference(db, done)
    assert gone.person_id == ERASED
    assert gone.details is None
    assert gone.platform is None
    assert all(
        entry["text"] is None
        for entry in db["timeline"].rows_where("submission_id = ?", [gone.id])
    )
    assert {case.reference for case in cases_of(db, chat.person.id)} == {pupil, still_open}
    assert case_by_reference(db, pupil).details == "A pupil was filmed."
    assert len(saved_files(db)) == 1  # the safeguarding record's file stays
    assert db["people"].get(chat.person.id)["display_name"] is None
    assert cases_of(db, other_parent.person.id)  # nobody else is touched
    (audit,) = db["audit"].rows_where("action = 'erasure_request'")
    assert audit["actor"] == ERASED
    assert done in audit["detail"]
    notice = next(db["outbox"].rows_where("recipient_role = 'office'"))
    assert "Erasure request" in notice["text"]
    assert still_open in notice["text"]


def test_forgetme_with_nothing_held_removes_the_person_and_unsent_files(chat, db):
    closed(db, chat)
    chat.send("/report")
    chat.press("Cyberbullying")
    chat.send("Instagram")
    chat.send("Yesterday")
    chat.press("A parent or other adult")
    chat.send(media="photo", attachments=(screenshot("draft.png"),))
    assert len(saved_files(db)) == 2
    chat.send("/forgetme")
    chat.press("Yes, delete my data")
    assert saved_files(db) == []
    assert not db["people"].count_where("id = ?", [chat.person.id])
    assert not db["conversations"].count_where("person_id = ?", [chat.person.id])
    assert export(chat)["cases"] == []


def test_staff_are_pointed_to_the_office(engine, db):
    head = register(engine, "headteacher")
    head.send("/forgetme")
    assert "contact" in head.text
    assert not head.labels
    head.send(button="1:forgetok")
    assert db["people"].get(head.person.id)["role"] == "headteacher"


def test_retention_by_date_with_a_fixed_clock(knowledge, engine, chat, db):
    reference = closed(db, chat)
    pupil = closed(db, chat, involved="A pupil")
    raise_concern(chat)  # open: never touched
    for text, asked in (("old", NOW - timedelta(days=366)), ("new", NOW)):
        log_question(db, text, "answer", "6", 0.9)
        db.execute("UPDATE questions SET asked_at = ? WHERE text = ?", [asked.isoformat(), text])
    assert apply_retention(db, knowledge, NOW) == {
        "questions_deleted": 1,
        "cases_anonymised": 0,
        "files_deleted": 0,
    }
    assert apply_retention(db, knowledge, NOW + timedelta(days=365 * 6 - 1)) == {
        "questions_deleted": 1,
        "cases_anonymised": 0,
        "files_deleted": 0,
    }
    later = NOW + timedelta(days=365 * 6 + 7)
    assert apply_retention(db, knowledge, later)["cases_anonymised"] == 1
    assert case_by_reference(db, reference).person_id == ERASED
    assert case_by_reference(db, pupil).person_id == chat.person.id
    assert len(saved_files(db)) == 1
    assert apply_retention(db, knowledge, later) == {
        "questions_deleted": 0,
        "cases_anonymised": 0,
        "files_deleted": 0,
    }  # idempotent
    assert len(cases_of(db, chat.person.id)) == 2


def test_the_daily_tick_applies_retention_once_a_day(knowledge, db):
    log_question(db, "old question", "answer", "6", 0.9)
    db.execute("UPDATE questions SET asked_at = ?", [(NOW - timedelta(days=400)).isoformat()])
    casework_tick(db, knowledge, NOW)
    assert db["questions"].count == 0
    log_question(db, "another old one", "answer", "6", 0.9)
    db.execute("UPDATE questions SET asked_at = ?", [(NOW - timedelta(days=400)).isoformat()])
    casework_tick(db, knowledge, NOW + timedelta(minutes=1))
    assert db["questions"].count == 1  # already ran today
    casework_tick(db, knowledge, NOW + timedelta(days=1))
    assert db["questions"].count == 0


def test_retention_settings_default_and_are_validated():
    assert load_casework({}).retention.closed_case_years == 6
    custom = load_casework({"retention": {"question_log_days": 30, "closed_case_years": 7}})
    assert (custom.retention.question_log_days, custom.retention.closed_case_years) == (30, 7)
    for bad in ({"question_log_days": 0}, {"closed_case_years": "six"}, {"keep": 1}):
        with pytest.raises(ValueError, match="retention"):
            load_casework({"retention": bad})


def test_console_saves_a_file_owner_only_and_prints_where(engine, tmp_path):
    out = StringIO()
    run_chat(engine, Person("local:parent"), StringIO("/mydata\n"), out)
    saved = next(tmp_path.glob("my-data-*.json"))
    assert str(saved) in out.getvalue()
    assert saved.stat().st_mode & 0o777 == 0o600


def test_forgetme_never_links_an_anonymous_case_to_the_person(chat, db):
    named = closed(db, chat)
    anonymous = closed(db, chat, details="Someone is posting photos.", anonymous=True)
    report_incident(chat, anonymous=True)  # still open: held, and still anonymous
    anonymous_open = cases_of(db, chat.person.id)[0].reference
    chat.send("/forgetme")
    chat.press("Yes, delete my data")
    (audit,) = db["audit"].rows_where("action = 'erasure_request'")
    notices = [row["text"] for row in db["outbox"].rows_where("recipient_role = 'office'")]
    for told in (audit["detail"], *notices):
        assert named in told
        assert anonymous not in told
        assert anonymous_open not in told
    assert case_by_reference(db, anonymous).person_id == ERASED  # erased all the same
    assert case_by_reference(db, anonymous_open).person_id == chat.person.id  # held
