""" "My cases": a parent sees only their own cases, where each stands and what happens next,
reads staff replies, adds information or evidence, withdraws, and escalates an unresolved
case stage by stage (class teacher, headteacher, governors' panel), all on the timeline."""

from __future__ import annotations

from datetime import timedelta

from handlers.engine import Engine
from storage.attachments import files_of
from storage.cases import all_cases, case_by_reference, record_staff_response, timeline_of
from storage.outbox import Notice
from tests.conftest import NOW, Chat
from tests.journeys import raise_concern, report_incident, screenshot
from tests.staffing import register


def respond(db, reference: str, text: str = "We have spoken to the class about it.") -> None:
    """What staff casework (issue 6) will do: reply, and tell the parent."""
    case = case_by_reference(db, reference)
    record_staff_response(
        db,
        case,
        case.assignee_role,
        text,
        [Notice(f"The school replied about {reference}.", person_id=case.person_id)],
        NOW,
    )


def open_case(chat, reference: str) -> None:
    chat.send("/mycases")
    chat.press(reference)


def staff_roles(db) -> list[str]:
    return [
        row["recipient_role"]
        for row in db.query(
            "SELECT recipient_role FROM outbox WHERE recipient_role IS NOT NULL ORDER BY id"
        )
    ]


def test_lists_only_the_persons_own_cases(chat, other_parent, db):
    raise_concern(chat)
    report_incident(chat)
    other_parent.send("/mycases")
    assert "haven't sent the school anything" in other_parent.text
    chat.press("My cases")
    assert chat.labels == ["BH-2026-0002 (report)", "BH-2026-0001 (concern)", "Main menu"]


def test_main_menu_has_my_cases(chat):
    chat.send("/start")
    assert "My cases" in chat.labels
    chat.press("My cases")
    assert "haven't sent the school anything" in chat.text


def test_a_case_shows_status_and_next_step(chat):
    raise_concern(chat)
    open_case(chat, "BH-2026-0001")
    assert "Status: waiting to be acknowledged" in chat.text
    assert "acknowledge it by Monday 9 March 2026" in chat.text
    assert NEXT not in chat.labels
    assert {"Add more information", "Withdraw"} <= set(chat.labels)


def test_someone_elses_case_cannot_be_opened(chat, other_parent):
    raise_concern(chat)
    for action in ("case", "addinfo", "withdraw", "withdrawok", "escalate"):
        other_parent.send(button=f"1:{action}:BH-2026-0001")
        assert "expired" in other_parent.text
        assert "BH-2026-0001" not in other_parent.text


def test_staff_reply_is_readable_and_reaches_the_parent_through_the_outbox(chat, db):
    raise_concern(chat)
    respond(db, "BH-2026-0001", "Thank you. We have spoken to the class about the group.")
    open_case(chat, "BH-2026-0001")
    assert "Reply from the Year 3 class teacher" in chat.text
    assert "We have spoken to the class about the group." in chat.text
    parent = next(db.query("SELECT chat_id, text FROM outbox WHERE recipient_person IS NOT NULL"))
    assert parent == {"chat_id": "test:parent-1", "text": "The school replied about BH-2026-0001."}


def test_adding_information_and_evidence(chat, db):
    raise_concern(chat)
    open_case(chat, "BH-2026-0001")
    chat.press("Add more information")
    chat.send("It happened again last night.")
    assert "Added to BH-2026-0001" in chat.text
    chat.send(media="photo", attachments=(screenshot(),), text="the latest message")
    assert "Got 1 file" in chat.text
    chat.press("Done")
    assert "Files: 1." in chat.text
    case = case_by_reference(db, "BH-2026-0001")
    events = [(e.event, e.text) for e in timeline_of(db, case.id)]
    assert events[1:] == [
        ("message", "It happened again last night."),
        ("message", "the latest message"),
        ("attachment", "1 file added"),
    ]
    assert files_of(db, case.id)[0].submission_id == case.id
    assert staff_roles(db).count("class_teacher:Year 3") == 4  # new, two messages, a file


def test_cancel_while_adding_keeps_what_was_added(chat, db):
    raise_concern(chat)
    open_case(chat, "BH-2026-0001")
    chat.press("Add more information")
    chat.send("One more thing: it was on Tuesday.")
    chat.send("/cancel")
    assert "Anything you already added is kept" in chat.text
    case = case_by_reference(db, "BH-2026-0001")
    assert timeline_of(db, case.id)[-1].text == "One more thing: it was on Tuesday."


def test_a_command_or_a_typed_button_label_ends_adding_and_is_not_filed(chat, db):
    raise_concern(chat)
    open_case(chat, "BH-2026-0001")
    chat.press("Add more information")
    chat.send("extra")
    chat.send("/mycases")  # ends adding: what was added is on the case already
    assert "Your cases" in chat.text
    chat.send("Done")  # stray text outside the step: never filed on the case
    open_case(chat, "BH-2026-0001")
    chat.press("Add more information")
    chat.send("done")  # the Done button's label, typed
    assert "your concern" in chat.text
    case = case_by_reference(db, "BH-2026-0001")
    assert [e.text for e in timeline_of(db, case.id) if e.event == "message"] == ["extra"]
    assert staff_roles(db).count("class_teacher:Year 3") == 2  # new, one message


def test_withdraw_asks_first_then_tells_the_handler(chat, db):
    raise_concern(chat)
    open_case(chat, "BH-2026-0001")
    chat.press("Withdraw")
    chat.press("No, keep it")
    assert case_by_reference(db, "BH-2026-0001").status == "open"
    chat.press("Withdraw")
    chat.press("Yes, withdraw it")
    assert case_by_reference(db, "BH-2026-0001").status == "withdrawn"
    assert "You withdrew this" in chat.text
    assert "Withdraw" not in chat.labels
    assert "Add more information" not in chat.labels
    notice = list(db.query("SELECT text FROM outbox ORDER BY id"))[-1]["text"]
    assert (
        notice == "For the Year 3 class teacher: BH-2026-0001 has been withdrawn by the "
        "person who raised it."
    )


NEXT = "Not resolved — ask for the next stage"


def ask_next_stage(chat, reference: str = "BH-2026-0001") -> None:
    """Ask for the next stage, and confirm it."""
    open_case(chat, reference)
    chat.press(NEXT)
    chat.press("Yes, move it on")


def test_escalation_class_teacher_then_headteacher_then_governors_panel(chat, db):
    raise_concern(chat)
    respond(db, "BH-2026-0001")
    open_case(chat, "BH-2026-0001")
    assert (
        "Until Monday 16 March 2026 you can ask for the next stage (formal complaint, "
        "stage 1): the Headteacher would deal with it." in chat.text
    )
    chat.press(NEXT)
    assert "Move BH-2026-0001 on to the next stage: formal complaint, stage 1?" in chat.text
    assert "The Headteacher will investigate it, acknowledging it by Monday 9 March" in (chat.text)
    assert case_by_reference(db, "BH-2026-0001").stage == 0  # nothing changes unconfirmed
    chat.press("Yes, move it on")
    case = case_by_reference(db, "BH-2026-0001")
    assert (case.assignee_role, case.route, case.stage, case.status) == (
        "headteacher",
        "headteacher",
        1,
        "open",
    )
    assert "is now at the next stage (formal complaint, stage 1). The Headteacher will" in (
        chat.text
    )
    assert NEXT not in chat.labels  # until the head has replied

    respond(db, "BH-2026-0001")
    open_case(chat, "BH-2026-0001")
    assert "escalate it to the Headteacher" not in chat.text
    chat.press(NEXT)
    assert "Clerk to the Governors will arrange for the governors' complaints panel" in (chat.text)
    chat.press("Yes, move it on")
    case = case_by_reference(db, "BH-2026-0001")
    assert (case.assignee_role, case.stage) == ("clerk", 2)
    assert "governors' complaints panel" in chat.text

    respond(db, "BH-2026-0001")
    open_case(chat, "BH-2026-0001")
    assert "last stage of the school's procedure" in chat.text
    assert NEXT not in chat.labels
    events = [e.event for e in timeline_of(db, case.id)]
    assert events == ["submitted", "response", "escalated", "response", "escalated", "response"]
    assert staff_roles(db) == ["class_teacher:Year 3", "headteacher", "clerk"]


def test_no_thanks_at_the_confirmation_changes_nothing(chat, db):
    raise_concern(chat)
    respond(db, "BH-2026-0001")
    open_case(chat, "BH-2026-0001")
    chat.press(NEXT)
    chat.press("No, leave it as it is")
    case = case_by_reference(db, "BH-2026-0001")
    assert (case.assignee_role, case.stage, case.status) == (
        "class_teacher:Year 3",
        0,
        "responded",
    )
    assert staff_roles(db) == ["class_teacher:Year 3"]


def test_a_concern_with_the_headteacher_becomes_formal_with_them_not_escalated_to_them(chat, db):
    raise_concern(chat, about="A whole-school matter", class_name=None)
    respond(db, "BH-2026-0001")
    open_case(chat, "BH-2026-0001")
    assert "escalate it to the Headteacher" not in chat.text
    assert "the Headteacher would look at it again, formally" in chat.text
    chat.press(NEXT)
    assert "The Headteacher will now investigate it formally" in chat.text
    chat.press("Yes, move it on")
    case = case_by_reference(db, "BH-2026-0001")
    assert (case.assignee_role, case.stage) == ("headteacher", 1)
    assert "take it from here" not in chat.text


def test_after_the_head_resolves_stage_one_the_parent_can_ask_for_the_panel(engine, chat, db):
    head = register(engine, "headteacher")
    raise_concern(chat, kind="A formal complaint")
    assert case_by_reference(db, "BH-2026-0001").assignee_role == "headteacher"  # stage 1
    head.send(button="1:sres:BH-2026-0001")
    head.send("Investigated; the homework policy will be applied consistently.")
    open_case(chat, "BH-2026-0001")
    assert "The school has resolved this." in chat.text
    assert "stage 2, the governors' complaints panel" in chat.text
    ask_next_stage(chat)
    case = case_by_reference(db, "BH-2026-0001")
    assert (case.assignee_role, case.stage, case.status) == ("clerk", 2, "open")


def test_the_next_stage_is_offered_only_within_the_window(knowledge, db, chat):
    raise_concern(chat)
    respond(db, "BH-2026-0001")  # Monday 2 March; 10 school days: until Monday 16 March
    for days, offered in ((14, True), (15, False)):
        later = Chat(
            Engine(knowledge, db, clock=lambda days=days: NOW + timedelta(days=days)),
            chat.person,
        )
        open_case(later, "BH-2026-0001")
        assert (NEXT in later.labels) is offered, days
    assert "The time to ask for the next stage ended on Monday 16 March" in later.text
    later.send(button="1:escalateok:BH-2026-0001")  # an old confirmation is not taken
    assert case_by_reference(db, "BH-2026-0001").stage == 0


def test_a_concern_about_the_headteacher_never_escalates_to_them(chat, db):
    raise_concern(chat, about="The headteacher", class_name=None)
    for _ in range(2):
        respond(db, "BH-2026-0001")
        ask_next_stage(chat)
    assert staff_roles(db) == ["chair_of_governors", "chair_of_governors", "clerk"]


def test_escalating_before_a_reply_is_refused(chat, db):
    raise_concern(chat)
    chat.send(button="1:escalate:BH-2026-0001")
    assert "once the school has replied" in chat.text
    assert case_by_reference(db, "BH-2026-0001").assignee_role == "class_teacher:Year 3"


def test_a_safeguarding_case_has_no_complaint_stages(chat, db):
    chat.send("my daughter told me her stepdad hits her")
    [case] = all_cases(db)
    respond(db, case.reference)
    open_case(chat, case.reference)
    assert NEXT not in chat.labels
