"""Who is asking, what they want to do, and messages that are not questions: parents get
parents' answers and staff staff's, with a button for the other; a promise to "report it
here" always comes with its button; greetings bring the menu; what the bot could not
answer well reaches /gaps."""

from __future__ import annotations

import pytest

from handlers.replies import Incoming, Person
from knowledge.audience import addressed_to, audience_of
from knowledge.intent import promised_action
from knowledge.matcher import entry_action
from storage.questions import knowledge_gaps
from tests.conftest import Chat

BUTTON_FOR = {"report": "Report an online incident", "concern": "Raise a concern"}


@pytest.mark.parametrize(
    ("text", "audience"),
    [
        ("can I post this photo?", "parent"),
        ("my son's teacher sent me a friend request", "parent"),
        ("can I post photos of my class on the school account?", "staff"),
        ("as a TA can I follow parents on instagram", "staff"),
        ("one of my pupils added me on tiktok", "staff"),
        ("i'm in year 5 can i have snapchat", "pupil"),
    ],
)
def test_audience_from_the_words_parent_by_default(text, audience):
    assert audience_of(text) == audience


def test_registered_staff_are_staff_whatever_their_words():
    assert audience_of("can I post this photo?", "staff") == "staff"


def test_sections_addressed_to_one_audience():
    assert addressed_to("Use of social media by staff") == "staff"
    assert addressed_to("Use of social media by parents, carers and guardians") == "parent"
    assert addressed_to("Roles and responsibilities") is None


def test_the_headline_question_answers_parents_from_section_6(knowledge):
    match = knowledge.matcher.match("can I post this photo?", "parent")
    assert (match.outcome, match.section) == ("answer", "6")
    assert knowledge.matcher.match("can I post this photo?", "staff").section == "4"


def test_an_answer_that_differs_by_audience_offers_the_other(engine, chat):
    chat.send("can i post photos of the class on facebook")
    assert "(section 6," in chat.text
    assert "It is different for staff" in chat.text
    chat.press("Asking as staff? →")
    assert "(section 4," in chat.text
    assert "Asking as a parent? →" in chat.labels


def test_an_answer_the_same_for_everyone_has_no_audience_button(chat):
    chat.send("how often is the policy reviewed")
    assert not any(label.startswith("Asking as") for label in chat.labels)


def test_declared_audience_is_used_in_the_chat(engine):
    teacher = Chat(engine, Person(id="local:t", role="parent", audience="staff"))
    teacher.send("can i post photos of the class on facebook")
    assert "(section 4," in teacher.text


def test_an_audience_button_for_no_logged_question_answers_nothing(chat, db):
    replies = chat.engine.handle(chat.person, Incoming(button="1:as:staff:99999"))
    assert "📖" not in replies[0].text
    assert db["questions"].count == 0


@pytest.mark.parametrize("text", ["hi", "Hello!", "thanks", "thank you", "ok", "help", "menu"])
def test_small_talk_brings_the_menu_not_a_section(chat, db, text):
    chat.send(text)
    assert "📖" not in chat.text
    assert "Sorry, I can't answer that" not in chat.text
    assert "Ask a question" in chat.labels
    assert "/policy" in chat.text
    assert knowledge_gaps(db) == []


def test_every_promise_of_a_flow_comes_with_its_button(knowledge, engine):
    """Ask each curated phrasing: whenever the reply says "report it here" or offers to
    raise it, the button is there, and the other way round."""
    for entry in knowledge.curated.entries:
        for question in entry.questions[:3]:
            person = Chat(engine, Person(id=f"local:{entry.id}"))
            person.send(question)
            text = person.text
            for action, label in BUTTON_FOR.items():
                promised = (action == "report" and "report it to the school here" in text) or (
                    action == "concern" and "raise this with the school" in text
                )
                assert promised == (label in person.labels), (question, text, person.labels)


def test_an_entry_whose_answer_promises_a_flow_offers_it(knowledge):
    assert promised_action("You can report it to the school here.") == "report"
    assert promised_action("I can help you raise it here.") == "concern"
    for entry in knowledge.curated.entries:
        if promised_action(entry.answer):
            assert entry_action(entry) == promised_action(entry.answer) or entry.action


@pytest.mark.parametrize(
    "text",
    [
        "I want to complain about the school dinners",
        "someone keeps posting nasty comments about me on a football club page",
        "can we have a class hamster",
    ],
)
def test_no_action_on_an_out_of_scope_question(knowledge, text):
    match = knowledge.matcher.match(text, "parent")
    if match.outcome == "decline":
        assert match.action is None


def test_staff_are_not_offered_the_parents_concern_flow(knowledge):
    question = "where do i report misuse of social media as a member of staff"
    assert knowledge.matcher.match(question, "staff").action is None


def test_incident_in_scope_offers_the_report_flow(chat):
    chat.send("my daughter is being bullied in a group chat")
    assert "Report an online incident" in chat.labels


def test_a_child_at_risk_is_flagged_in_ask_json(knowledge):
    match = knowledge.matcher.match("I think a man is grooming my son on Roblox")
    assert match.action == "safeguarding"


@pytest.mark.parametrize(
    "text", ["i can take foto in school consert?", "pls wat is rule for whatsap grup"]
)
def test_misspelt_questions_are_answered_or_reach_gaps(chat, db, text):
    chat.send(text)
    if "📖" not in chat.text:
        assert text in knowledge_gaps(db)
