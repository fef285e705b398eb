"""Safeguarding triage: a message suggesting a child is at risk, wherever it is typed, stops
the flow, says "call 999", and goes to the DSL at once as a safeguarding case, not a
complaint. Ordinary questions about photos or the policy do not trigger it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.safeguarding import suggests_child_at_risk
from storage.cases import all_cases
from tests.journeys import DETAILS

DEV = Path(__file__).parent / "data" / "dev_questions.jsonl"
AT_RISK = [
    "my daughter told me her stepdad hits her",
    "I think a man is grooming my son on Roblox",
    "my son has been self-harming and I don't know what to do",
    "she says she feels suicidal",
    "a boy in year 6 is sharing nude photos of a girl in his class",
    "my child is scared to go home",
    "a teacher touched my daughter inappropriately",
    "someone threatened to kill my son on snapchat",
    "my son was hit by his dad at the weekend",
    "I think she is being abused at home",
]
ORDINARY = [
    "can I post photos of my child on facebook",
    "who is the safeguarding lead",
    "what does the policy say about safeguarding",
    "can I share pictures of my child from sports day",
    "my son hurt his knee in the playground",
    "is it ok to post a video of the school play",
    "someone posted abusive comments about a teacher on facebook",
    "the children were kicking a ball against the fence",
    "what counts as cyberbullying",
    "can staff be friends with parents online",
]


@pytest.mark.parametrize("text", AT_RISK)
def test_detects_a_child_at_risk(text):
    assert suggests_child_at_risk(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_questions_do_not_trigger(text):
    assert not suggests_child_at_risk(text)


def test_policy_questions_do_not_trigger(knowledge):
    """None of the curated phrasings or the labelled dev questions is a disclosure."""
    questions = [q for entry in knowledge.curated.entries for q in entry.questions]
    questions += [json.loads(line)["question"] for line in DEV.read_text().splitlines()]
    assert not [q for q in questions if suggests_child_at_risk(q)]


def assert_referred(chat, db, text: str) -> None:
    [case] = all_cases(db)
    assert (case.kind, case.route, case.assignee_role) == ("safeguarding", "dsl", "dsl")
    assert text in case.details
    assert "If a child is in immediate danger call 999" in chat.text
    assert case.reference in chat.text
    assert "not a complaint" in chat.text
    [notice] = list(db.query("SELECT recipient_role, text FROM outbox"))
    assert notice["recipient_role"] == "dsl"
    assert notice["text"].startswith("URGENT")
    assert text not in notice["text"]
    assert db["conversations"].count == 0


def test_a_question_is_referred_at_once_and_not_logged(chat, db):
    chat.send(AT_RISK[0])
    assert_referred(chat, db, AT_RISK[0])
    assert db["questions"].count == 0


def test_concern_text_stops_the_concern_and_goes_to_the_dsl(chat, db):
    chat.send("/concern")
    chat.press("Something in my child's class")
    chat.press("Year 4")
    chat.press("A formal complaint")
    chat.send(AT_RISK[6])
    assert_referred(chat, db, AT_RISK[6])
    assert all_cases(db)[0].class_name == "Year 4"


def test_a_later_step_is_triaged_too_and_keeps_what_was_written(chat, db):
    chat.send("/concern")
    chat.press("A whole-school matter")
    chat.press("A concern")
    chat.send("Tom Smith")
    chat.press("Skip")
    chat.send(DETAILS)
    chat.send(AT_RISK[3])  # at "what would put it right"
    assert_referred(chat, db, AT_RISK[3])
    assert DETAILS in all_cases(db)[0].details


def test_report_text_is_triaged(chat, db):
    chat.send("/report")
    chat.press("Cyberbullying")
    chat.send(AT_RISK[4])
    assert_referred(chat, db, AT_RISK[4])


def test_a_childs_safety_choice_asks_what_is_happening_and_sends_at_once(chat, db):
    chat.send("/concern")
    chat.press("A child's safety")
    assert "call 999 now" in chat.text
    assert "Designated Safeguarding Lead" in chat.text
    chat.send("There is a boy in my son's class who comes in hungry every day.")
    assert_referred(chat, db, "comes in hungry every day")
    assert all_cases(db)[0].about == "safety"


def test_ordinary_question_is_answered_not_referred(chat, db):
    chat.send(ORDINARY[0])
    assert all_cases(db) == []
    assert "section 6" in chat.text
