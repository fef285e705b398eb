"""The concern and complaint flow as a parent meets it: routed by design.md's table (never to
the person it is about), every step stored, a summary to edit, one case per draft however
often Submit is pressed, and a reference with an acknowledgement date in school days."""

from __future__ import annotations

import pytest

from handlers.engine import Engine
from handlers.replies import Person
from storage.cases import all_cases
from storage.db import open_database
from tests.conftest import NOW, Chat
from tests.journeys import DETAILS, engine_with, raise_concern


def only_case(db):
    [case] = all_cases(db)
    return case


def notices(db) -> list[dict]:
    return list(
        db.query(
            "SELECT recipient_role, recipient_person, chat_id, text, status "
            "FROM outbox ORDER BY id"
        )
    )


@pytest.mark.parametrize(
    ("about", "class_name", "route", "title"),
    [
        (
            "Something in my child's class",
            "Year 3",
            "class_teacher:Year 3",
            "Year 3 class teacher",
        ),
        (
            "Something in my child's class",
            "Reception",
            "class_teacher:Reception",
            "Reception class teacher",
        ),
        ("A member of staff", None, "headteacher", "Headteacher"),
        ("A whole-school matter", None, "headteacher", "Headteacher"),
        ("The headteacher", None, "chair_of_governors", "Chair of Governors"),
        ("The chair or a governor", None, "vice_chair", "Vice-Chair of Governors"),
    ],
)
def test_each_routing_row_goes_to_its_role(chat, db, about, class_name, route, title):
    raise_concern(chat, about=about, class_name=class_name)
    case = only_case(db)
    assert (case.kind, case.route, case.assignee_role, case.status) == (
        "concern",
        route,
        route,
        "open",
    )
    assert f"handled by the {title}" in chat.text
    assert case.reference in chat.text
    [notice] = notices(db)
    assert notice["recipient_role"] == route
    assert notice["text"].startswith(f"For the {title}: a new concern, {case.reference}")


def test_never_routed_to_the_person_it_is_about(chat, db):
    raise_concern(chat, about="The headteacher", class_name=None)
    raise_concern(chat, about="The chair or a governor", class_name=None)
    head, chair = all_cases(db)
    assert "headteacher" not in head.route
    assert "chair_of_governors" not in chair.route
    assert {n["recipient_role"] for n in notices(db)} == {"chair_of_governors", "vice_chair"}


def test_about_the_chair_goes_to_the_clerk_when_configured(knowledge, db):
    chat = Chat(engine_with(knowledge, db, about_chair_route="clerk"), Person("test:p"))
    raise_concern(chat, about="The chair or a governor", class_name=None)
    assert only_case(db).route == "clerk"
    assert "Clerk to the Governors" in chat.text


def test_a_formal_complaint_starts_at_stage_one_and_names_the_procedure(chat, db):
    raise_concern(chat, kind="A formal complaint")
    case = only_case(db)
    assert (case.kind, case.stage) == ("complaint", 1)
    assert "formal complaint has been sent" in chat.text
    assert "complaints procedure" in chat.text


def test_the_kind_question_explains_the_difference_in_a_line(chat):
    chat.send("/concern")
    chat.press("A whole-school matter")
    assert "usually sorted out informally first" in chat.text
    assert chat.labels[:2] == ["A concern", "A formal complaint"]


def test_confirmation_gives_reference_and_acknowledgement_in_school_days(chat, db):
    raise_concern(chat)
    case = only_case(db)
    assert case.reference == "BH-2026-0001"
    # Monday 2 March 2026 + 5 school days; the response 15 school days on.
    assert (case.acknowledge_by, case.respond_by) == ("2026-03-09", "2026-03-23")
    assert "acknowledged by Monday 9 March 2026 (within 5 school days)" in chat.text


def test_references_count_up_within_the_year(chat, other_parent, db):
    raise_concern(chat)
    raise_concern(other_parent, about="A whole-school matter", class_name=None)
    assert [c.reference for c in all_cases(db)] == ["BH-2026-0001", "BH-2026-0002"]


def test_a_class_teacher_name_is_shown_when_configured(knowledge, db):
    engine = engine_with(knowledge, db, class_teachers={"Year 3": "Mrs Example"})
    chat = Chat(engine, Person("test:p"))
    raise_concern(chat)
    assert "handled by the Year 3 class teacher, Mrs Example" in chat.text


def test_everything_the_parent_wrote_is_stored(chat, db):
    raise_concern(chat, contact="Email", submit=False)
    chat.send("sam@example.org")
    chat.press("Submit")
    case = only_case(db)
    assert (case.about, case.class_name, case.details) == ("class", "Year 3", DETAILS)
    assert case.outcome == "A word with the class, please."
    assert (case.contact_method, case.contact_detail) == ("email", "sam@example.org")
    person = db["people"].get("test:parent-1")
    assert (person["role"], person["display_name"]) == ("parent", "Sam")


def test_staff_notification_carries_no_personal_data(chat, db):
    raise_concern(chat, contact="Phone", submit=False)
    chat.send("07700 900123")
    chat.press("Submit")
    [notice] = notices(db)
    assert notice["text"] == (
        f"For the Year 3 class teacher: a new concern, "
        f"{only_case(db).reference}. Please acknowledge it by Monday 9 "
        "March 2026."
    )  # not who sent it, how to reach them, or what


def test_contact_details_are_checked(chat):
    raise_concern(chat, contact="Phone", submit=False)
    chat.send("call me maybe")
    assert "doesn't look quite right" in chat.text
    chat.send("+44 7700 900123")
    assert "Please check this before it is sent" in chat.text


def test_too_short_is_kept_and_added_to(chat, db):
    chat.send("/concern")
    chat.press("A whole-school matter")
    chat.press("A concern")
    chat.send("Tom Smith")
    chat.press("Skip")
    chat.send("Lunch queue.")
    assert "say a bit more" in chat.text
    chat.send("Children wait twenty minutes and some do not get to eat.")
    chat.send("Shorter queues")
    chat.press("Reply here in the chat")
    chat.press("Submit")
    assert only_case(db).details == (
        "Lunch queue. Children wait twenty minutes and some do not get to eat."
    )


def test_very_long_text_is_kept_whole_with_a_kind_word(chat, db):
    long = "The homework policy is applied inconsistently between classes. " * 60
    raise_concern(chat, details=long)
    assert len(long.strip()) > 3000
    assert only_case(db).details == long.strip()


def test_long_text_message_is_said(chat):
    chat.send("/concern")
    chat.press("A whole-school matter")
    chat.press("A concern")
    chat.send("Tom Smith")
    chat.press("Skip")
    chat.send("x " * 2000)
    assert "I've kept every word" in chat.text
    assert "What would put it right" in chat.text


@pytest.mark.parametrize("media", ["sticker", "photo", "voice"])
def test_non_text_where_text_was_expected_is_kindly_reprompted(chat, media):
    chat.send("/concern")
    chat.press("A whole-school matter")
    chat.press("A concern")
    chat.send("Tom Smith")
    chat.press("Skip")
    chat.send(media=media)
    assert f"Thanks for the {media}, but I need typed words here" in chat.text
    assert "What happened?" in chat.text


def test_choices_can_be_typed_in_words(chat, db):
    chat.send("/concern")
    chat.send("whole-school matter")
    chat.send("complaint")
    chat.send("Tom Smith")
    chat.send("skip")
    chat.send(DETAILS)
    chat.send("A reply")
    chat.send("email")
    chat.send("sam@example.org")
    chat.send("submit")
    case = only_case(db)
    assert (case.route, case.kind, case.contact_method) == ("headteacher", "complaint", "email")


def test_an_unrecognised_typed_choice_asks_for_a_button(chat):
    chat.send("/concern")
    chat.send("the weather")
    assert "Please choose one of the options" in chat.text
    assert "Something in my child's class" in chat.labels


def test_edit_changes_one_field_and_returns_to_the_summary(chat, db):
    raise_concern(chat, submit=False)
    chat.press("Edit")
    chat.press("Class")
    chat.press("Year 5")
    assert "Please check this before it is sent" in chat.text
    assert "Class: Year 5" in chat.text
    chat.press("Submit")
    assert only_case(db).route == "class_teacher:Year 5"


def test_editing_what_it_is_about_asks_again_only_what_depends_on_it(chat, db):
    raise_concern(chat, submit=False)
    chat.press("Edit")
    chat.press("What it's about")
    chat.press("Something in my child's class")
    assert "Which class" in chat.text
    chat.press("Year 1")
    assert "Please check this before it is sent" in chat.text
    chat.press("Edit")
    chat.press("What it's about")
    chat.press("The headteacher")
    assert "It will go to the Chair of Governors" in chat.text
    chat.press("Submit")
    case = only_case(db)
    assert (case.route, case.class_name) == ("chair_of_governors", None)


def test_double_tap_and_resent_submit_store_one_case(chat, db):
    summary = raise_concern(chat, submit=False)
    submit = next(b for r in summary for b in r.buttons if b.label == "Submit")
    chat.send(button=submit.data)
    first = chat.text
    chat.send(button=submit.data)  # double tap
    assert "already sent" in chat.text
    chat.send(button=submit.data)  # and the same press delivered again later
    assert len(all_cases(db)) == 1
    assert len(notices(db)) == 1
    assert only_case(db).reference in first
    assert only_case(db).reference in chat.text


def test_a_submit_press_from_someone_else_is_refused(chat, other_parent, db):
    summary = raise_concern(chat, submit=False)
    submit = next(b for r in summary for b in r.buttons if b.label == "Submit")
    chat.send(button=submit.data)
    other_parent.send(button=submit.data)
    assert "expired" in other_parent.text
    assert only_case(db).reference not in other_parent.text


# Where the flow waits after each action: the prompt for that step.
SCRIPT = [
    ("about", lambda chat: chat.send("/concern")),
    ("class", lambda chat: chat.press("Something in my child's class")),
    ("kind", lambda chat: chat.press("Year 2")),
    ("child", lambda chat: chat.press("A concern")),
    ("parent", lambda chat: chat.send("Tom Smith")),
    ("details", lambda chat: chat.press("Skip")),
    ("outcome", lambda chat: chat.send(DETAILS)),
    ("contact", lambda chat: chat.send("An apology.")),
    ("detail", lambda chat: chat.press("Phone")),
    ("summary", lambda chat: chat.send("020 7946 0000")),
    ("edit", lambda chat: chat.press("Edit")),
]
STEPS = [name for name, _ in SCRIPT]


def walk(chat, start: int, stop: int) -> None:
    for _, action in SCRIPT[start:stop]:
        action(chat)


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("how", ["/cancel", "button", "typed"])
def test_cancel_at_every_step_sends_nothing(chat, db, step, how):
    walk(chat, 0, STEPS.index(step) + 1)
    if how == "/cancel":
        chat.send("/cancel")
    elif how == "button" and step != "edit":  # the Edit menu offers "Back to the summary"
        chat.press("Cancel")
    else:
        chat.send("cancel")
    assert "nothing was sent" in chat.text
    assert all_cases(db) == []
    assert notices(db) == []
    assert db["conversations"].count == 0
    chat.send("whatsapp rules?")  # back to questions
    assert "section 6" in chat.text


@pytest.mark.parametrize("step", STEPS[:-1])
def test_restart_mid_flow_resumes_where_it_stood(chat, knowledge, tmp_path, step):
    walk(chat, 0, STEPS.index(step) + 1)
    restarted = Chat(
        Engine(knowledge, open_database(tmp_path / "policybot.db"), clock=lambda: NOW), chat.person
    )
    restarted.last = chat.last  # the buttons still on the parent's screen
    walk(restarted, STEPS.index(step) + 1, STEPS.index("edit"))
    restarted.press("Submit")
    [case] = all_cases(restarted.engine.db)
    assert (case.route, case.contact_detail) == ("class_teacher:Year 2", "020 7946 0000")


def test_an_answer_button_from_an_earlier_question_is_not_taken(chat, db):
    chat.send("/concern")
    about = chat.last
    chat.press("A whole-school matter")
    chat.last = about
    chat.press("The headteacher")  # pressed again on the earlier message
    assert "belongs to an earlier question" in chat.text
    assert "concern or a formal complaint" in chat.text


def test_starting_another_flow_midway_asks_first(chat):
    chat.send("/concern")
    chat.press("A member of staff")
    chat.send("/report")
    assert "part-way through raising a concern" in chat.text
    chat.press("Carry on")
    assert "concern or a formal complaint" in chat.text


@pytest.mark.parametrize("entry", ["/concern", "/start concern", "menu", "offered"])
def test_every_way_in_starts_the_flow(chat, entry):
    if entry == "menu":
        chat.send("/start")
        chat.press("Raise a concern")
    elif entry == "offered":
        chat.send(
            "I want to make a complaint about how the school handled a row on the class whatsapp"
        )
        chat.press("Raise a concern")
    else:
        chat.send(entry)
    assert "What is your concern about?" in chat.text
    assert "Something in my child's class" in chat.labels


def test_something_else_points_to_the_routes_outside_the_procedure(chat, db):
    chat.send("/concern")
    chat.press("Something else")
    for route in (
        "Admissions",
        "Suspensions and exclusions",
        "EHC needs assessment",
        "Whistleblowing",
        "grievance",
    ):
        assert route in chat.text
    assert "01632 960 000" in chat.text  # a person to ask
    assert db["conversations"].count == 1  # still in the form: asked again what it is about
    assert "A whole-school matter" in chat.labels
    assert all_cases(db) == []
    chat.press("A whole-school matter")
    assert "concern or a formal complaint" in chat.text


@pytest.mark.parametrize(
    ("details", "words"),
    [
        (
            "My son was excluded from school for three days and I think it was unfair.",
            "Suspensions and exclusions",
        ),
        ("We have been on the waiting list for a school place since September.", "Admissions"),
        (
            "The EHCP assessment for my daughter has taken far too long to start.",
            "EHC needs assessment",
        ),
    ],
)
def test_excluded_topics_in_the_text_get_a_pointer_and_a_choice(chat, db, details, words):
    chat.send("/concern")
    chat.press("A whole-school matter")
    chat.press("A formal complaint")
    chat.send("Tom Smith")
    chat.press("Skip")
    chat.send(details)
    assert words in chat.text
    assert "Carry on with my concern" in chat.labels
    assert all_cases(db) == []
    chat.press("Carry on with my concern")
    assert "What would put it right" in chat.text


def test_help_and_privacy_cover_concerns_and_reports(chat):
    chat.send("/help")
    assert "/concern" in chat.text
    assert "/mycases" in chat.text
    chat.send("/privacy")
    assert "Concerns, complaints and reports" in chat.text
    assert "anonymous report" in chat.text


def test_asking_for_the_same_flow_again_carries_on(chat):
    chat.send("/concern")
    chat.press("A member of staff")
    chat.send("/concern")
    assert "Carrying on where you left off" in chat.text
    assert "concern or a formal complaint" in chat.text


@pytest.mark.parametrize(
    "details",
    [
        "The class teacher is rude to my son every day and ignores my emails.",
        "His teacher keeps my son in at every playtime and will not say why.",
        "Mrs Example shouts at the children all day and my son dreads going in.",
    ],
)
def test_a_concern_about_the_class_teacher_goes_to_the_headteacher(knowledge, db, details):
    engine = engine_with(knowledge, db, class_teachers={"Year 3": "Mrs Example"})
    chat = Chat(engine, Person("test:p"))
    raise_concern(chat, details=details, submit=False)
    assert "It will go to the Headteacher" in chat.text
    assert "about the class teacher, it goes to the headteacher instead" in chat.text
    chat.press("Submit")
    case = only_case(db)
    assert (case.route, case.assignee_role) == ("headteacher", "headteacher")
    assert "about the class teacher, it goes to the headteacher instead" in chat.text
    assert [n["recipient_role"] for n in notices(db)] == ["headteacher"]


@pytest.mark.parametrize(
    ("contact", "detail", "said"),
    [
        ("Email", "sam@example.com", "The school will reply by email to sam@example.com"),
        ("Phone", "07700 900123", "The school will phone you on 07700 900123"),
        ("Reply here in the chat", None, "Replies will come to you here"),
    ],
)
def test_the_confirmation_names_the_chosen_way_to_reply(chat, db, contact, detail, said):
    raise_concern(chat, contact=contact, submit=False)
    if detail:
        chat.send(detail)
    chat.press("Submit")
    assert said in chat.text
    if detail:
        assert "Replies will come to you here" not in chat.text
