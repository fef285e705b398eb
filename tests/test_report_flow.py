"""Reporting an online incident: routed to the headteacher (and the DSL when a pupil is
involved), evidence kept safely with the policy's advice, the warning about sexual images of
children, and an honest anonymity choice."""

from __future__ import annotations

import hashlib
import os

import pytest

from handlers.evidence import MAX_FILES
from handlers.replies import Attachment
from storage.attachments import files_of, files_to_download, store_download
from storage.cases import all_cases
from tests.journeys import PNG, report_incident, screenshot

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"pixels" * 10


def only_case(db):
    [case] = all_cases(db)
    return case


@pytest.mark.parametrize(
    ("kind", "involved", "route"),
    [
        ("Cyberbullying", "A pupil", "headteacher+dsl"),
        ("Malicious or abusive comments", "A parent or other adult", "headteacher"),
        ("Abuse of a member of staff", "A member of staff", "headteacher"),
        ("A fake account or impersonation", "Not sure", "headteacher"),
        (
            "A photo or video of a pupil posted without consent",
            "A parent or other adult",
            "headteacher+dsl",
        ),
    ],
)
def test_routed_to_the_headteacher_and_the_dsl_when_a_pupil_is_involved(
    chat, db, kind, involved, route
):
    report_incident(chat, kind=kind, involved=involved)
    case = only_case(db)
    assert (case.kind, case.route, case.assignee_role) == ("report", route, "headteacher")
    roles = [row["recipient_role"] for row in db.query("SELECT recipient_role FROM outbox")]
    assert roles == route.split("+")
    assert "handled by the Headteacher" in chat.text
    assert ("Designated Safeguarding Lead" in chat.text) == (route == "headteacher+dsl")


def test_every_answer_is_stored(chat, db):
    report_incident(chat, notes="They post a new nasty comment every day.")
    case = only_case(db)
    assert case.incident_type == "bullying"
    assert case.platform == "Instagram, https://instagram.com/p/abc123"
    assert case.happened_when == "Last night at about 9pm"
    assert case.involved == "pupil"
    assert case.details == "They post a new nasty comment every day."
    assert (case.anonymous, case.contact_method) == (False, "chat")


def test_evidence_prompt_gives_the_policy_advice_and_the_warning(chat):
    chat.send("/report")
    chat.press("Cyberbullying")
    chat.send("TikTok")
    chat.send("Sunday")
    chat.press("A pupil")
    assert "time, date and address of the site" in chat.text
    assert "don't reply to or engage" in chat.text
    assert "Never send or forward a sexual image of a child" in chat.text
    assert "It involves a sexual image of a child" in chat.labels


def test_a_file_is_saved_with_its_hash_owner_only(chat, db, tmp_path):
    report_incident(chat, files=(screenshot(),))
    case = only_case(db)
    [stored] = files_of(db, case.id)
    assert stored.sha256 == hashlib.sha256(PNG).hexdigest()
    assert stored.size == len(PNG)
    saved = tmp_path / stored.path
    assert saved.read_bytes() == PNG
    assert stored.path.startswith("attachments/")
    assert "post.png" not in stored.path
    assert os.stat(saved).st_mode & 0o777 == 0o600


def test_the_summary_counts_the_files(chat):
    report_incident(
        chat, files=(screenshot("a.png"), screenshot("b.png")), notes="Two posts.", submit=False
    )
    assert "Evidence: 2 files; your notes: Two posts." in chat.text


def test_a_file_known_only_by_its_id_is_fetched_later(chat, db, tmp_path):
    report_incident(chat, files=(screenshot("later.jpg", data=None),))
    [pending] = files_to_download(db)
    assert pending.file_id == "file-later.jpg"
    assert pending.path is None
    store_download(db, pending.id, JPEG)
    [stored] = files_of(db, only_case(db).id)
    assert (tmp_path / stored.path).read_bytes() == JPEG
    assert files_to_download(db) == []


def test_file_caps_and_types_get_kind_messages(chat, db):
    report_incident(chat, submit=False)
    chat.press("Edit")
    chat.press("Evidence")
    chat.send(
        media="document",
        attachments=(
            Attachment("document", "f1", "virus.exe", "application/x-msdownload", 2, b"MZ"),
        ),
    )
    assert "I can only take pictures, videos and PDFs" in chat.text
    chat.send(
        media="video",
        attachments=(Attachment("video", "f2", "huge.mp4", "video/mp4", 25 * 1024 * 1024),),
    )
    assert "it is over 20 MB" in chat.text
    chat.send(media="photo", attachments=tuple(screenshot(f"{i}.png") for i in range(12)))
    assert f"Got {MAX_FILES} files" in chat.text
    assert "that would be more than 10 files" in chat.text
    chat.press("Done")
    chat.press("Submit")
    assert len(files_of(db, only_case(db).id)) == MAX_FILES


def test_a_pdf_is_accepted(chat, db):
    pdf = Attachment("document", "f3", "letter.pdf", "application/pdf", 9, b"%PDF-1.7 ")
    report_incident(chat, files=(pdf,))
    [stored] = files_of(db, only_case(db).id)
    assert stored.mime_type == "application/pdf"
    assert stored.path.endswith(".pdf")


def test_cancelled_report_keeps_no_files(chat, db, tmp_path):
    report_incident(chat, files=(screenshot(),), submit=False)
    chat.send("/cancel")
    assert "nothing was sent" in chat.text
    assert db["attachments"].count == 0
    assert list((tmp_path / "attachments").iterdir()) == []


def test_a_sexual_image_of_a_child_goes_to_the_dsl_as_safeguarding(chat, db):
    chat.send("/report")
    chat.press("A photo or video of a pupil")
    chat.send("Snapchat")
    chat.send("This morning")
    chat.press("A pupil")
    chat.press("It involves a sexual image of a child")
    case = only_case(db)
    assert (case.kind, case.route) == ("safeguarding", "dsl")
    assert (case.platform, case.incident_type) == ("Snapchat", "photo")
    assert "told not to send or forward the image" in case.details
    assert "call 999" in chat.text
    assert [c["flow"] for c in db["conversations"].rows] == ["referral"]


def test_anonymity_is_explained_honestly_and_stored(chat, db):
    chat.send("/report")
    chat.press("Cyberbullying")
    chat.send("Facebook")
    chat.send("Friday")
    chat.press("A parent or other adult")
    chat.press("Done")
    assert "cannot reply to you" in chat.text
    assert "still stores your chat account" in chat.text
    chat.press("Yes, keep me anonymous")
    chat.press("Submit")
    case = only_case(db)
    assert case.anonymous
    assert case.contact_method is None
    assert "the school cannot reply to you" in chat.text
    notice = next(db.query("SELECT text FROM outbox"))["text"]
    assert "test:parent-1" not in notice
    assert "Sam" not in notice


@pytest.mark.parametrize("entry", ["/report", "/start report", "menu", "offered"])
def test_every_way_in_starts_the_flow(chat, entry):
    if entry == "menu":
        chat.send("/start")
        chat.press("Report an online incident")
    elif entry == "offered":
        chat.send("another parent has posted a photo of my daughter on facebook without asking")
        chat.press("Report an online incident")
    else:
        chat.send(entry)
    assert "What kind of online incident is it?" in chat.text


def test_typed_done_finishes_the_evidence_step(chat):
    chat.send("/report")
    chat.press("Cyberbullying")
    chat.send("Facebook")
    chat.send("Friday")
    chat.press("A pupil")
    chat.send("done")
    assert "stay anonymous" in chat.text


def test_a_file_sent_outside_any_flow_is_not_kept_and_the_report_is_offered(chat, db):
    chat.send(media="photo", attachments=(screenshot(),))
    assert "I haven't kept that" in chat.text
    assert "Report an online incident" in chat.labels
    assert "My cases" in chat.labels
    assert db["attachments"].count == 0
