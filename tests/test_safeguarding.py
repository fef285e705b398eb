"""Safeguarding triage: a message suggesting a child is at risk, wherever it is typed, stops
the flow, says "call 999", and goes to the DSL at once as a safeguarding case, not a
complaint. Ordinary questions about photos or the policy do not trigger it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.safeguarding import Detector, assess, sentences, suggests_child_at_risk
from knowledge.safeguarding_cues import cue_score
from knowledge.safeguarding_eval import load_labelled, score_triage
from storage.cases import all_cases
from tests.journeys import DETAILS

DATA = Path(__file__).parent / "data"
DEV = DATA / "dev_questions.jsonl"
TRAIN = DATA / "safeguarding_train.jsonl"
# Tried as parents would (issue 12): each got a policy answer or "I'm not sure".
REPORTED_MISSES = [
    "my daughter said an adult hurt her",
    "my kid said the dinner lady hit him",
    "a man keeps messaging my 9yo on tiktok and asked her to keep it secret",
    "the teacher hit my son",
    "a teacher follows my 10 year old daughter on instagram and messages her",
    "the teaching assistant grabbed my son by the arm and left bruises",
    "she should just die. shes 10 and crying every night",
]
SAME_WORDS_HARMLESS = [
    "my son hit his head at football, the coach put ice on it",
    "she's killing me with homework",
    "the kids are dying to go on the trip",
    "my daughter was crying and her teacher gave her a cuddle, thank you",
    "are teachers allowed to follow pupils on instagram?",
    "the teacher grabbed his arm to stop him running into the road",
    "the teacher said my son hurt another child, can we talk",
]
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


@pytest.mark.parametrize("text", REPORTED_MISSES)
def test_the_reported_misses_are_caught(text):
    assert suggests_child_at_risk(text)


@pytest.mark.parametrize("text", SAME_WORDS_HARMLESS)
def test_the_same_words_in_harmless_sentences_raise_no_alarm(text):
    assert not suggests_child_at_risk(text)


def test_a_worrying_sentence_buried_in_a_long_message_is_found():
    text = (
        "Hi, quick one about the recorder lessons, we have paid online. Also she's killing "
        "me about a new phone. Ella said her uncle touches her private parts. Thanks!"
    )
    found = assess(text)
    assert (found.at_risk, found.category) == (True, "sexual")
    assert found.sentence == "ella said her uncle touches her private parts"


def test_misspelt_and_child_typed_messages_are_found():
    assert suggests_child_at_risk("my daugter says her mums boyfrend slaped her last nite")
    assert suggests_child_at_risk("i dont want to go home tonight pls dont make me")


def test_an_idiom_in_one_sentence_does_not_excuse_the_next():
    assert sentences("She's killing me! Her dad hits her.") == ["her dad hits her"]
    assert suggests_child_at_risk("She's killing me! Her dad hits her.")


def test_allegations_against_staff_say_who_they_are_about():
    assert assess("the dinner lady hit my son").about == "staff"
    assert assess("the headteacher slapped a boy in assembly").about == "head"
    assert assess("the teacher hit my son").category == "allegation_against_staff"


def test_own_labelled_set_meets_the_targets():
    """Recall and false alarms on the set the rules were written against (the held-out
    figure is reported by `policybot eval`, never asserted or tuned on)."""
    score = score_triage(load_labelled(TRAIN))
    assert score.disclosures >= 100
    assert score.near_misses >= 90
    assert score.recall >= 0.98, score.missed
    assert score.false_alarm_rate <= 0.05, score.alarmed


def test_eval_reports_recall_and_false_alarms_on_a_triage_file(capsys):
    assert main(["eval", str(TRAIN), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) >= {"recall", "false_alarms", "disclosures", "near_misses"}


def test_ask_json_says_safeguarding(capsys):
    assert main(["ask", "--json", REPORTED_MISSES[0]]) == 0
    assert json.loads(capsys.readouterr().out)["action"] == "safeguarding"
    assert main(["ask", "--json", "can I post photos of my child on facebook"]) == 0
    assert json.loads(capsys.readouterr().out)["action"] != "safeguarding"


# Curated answers whose phrasings describe a child at risk: a member of staff in private
# contact with a pupil online (an allegation, issue 12) or a threat to hurt a child. The
# referral comes first; the answer is what the person reads once it has gone.
REFERRED_ENTRIES = {"staff-contacted-pupil", "child-cyberbullied"}


def test_policy_questions_do_not_trigger(knowledge):
    """None of the other curated phrasings or the labelled dev questions is a disclosure."""
    questions = [
        q
        for entry in knowledge.curated.entries
        if entry.id not in REFERRED_ENTRIES
        for q in entry.questions
    ]
    questions += [json.loads(line)["question"] for line in DEV.read_text().splitlines()]
    assert not [q for q in questions if suggests_child_at_risk(q)]


def assert_referred(chat, db, text: str) -> None:
    [case] = all_cases(db)
    assert (case.kind, case.route, case.assignee_role) == ("safeguarding", "dsl", "dsl")
    assert text in case.details
    assert "If a child is in immediate danger call 999" in chat.text
    assert case.reference in chat.text
    assert "not a complaint" in chat.text
    notices = list(db.query("SELECT recipient_role, text FROM outbox ORDER BY id"))
    # nobody registered as DSL here: the headteacher and the office are alerted too
    assert [n["recipient_role"] for n in notices] == ["dsl", "headteacher", "office"]
    assert all(n["text"].startswith("URGENT") for n in notices)
    assert all(text not in n["text"] for n in notices)
    [conversation] = db["conversations"].rows
    assert conversation["flow"] == "referral"  # what they send next goes on the referral


def test_a_question_is_referred_at_once_and_not_logged(chat, db):
    chat.send(AT_RISK[0])
    assert_referred(chat, db, AT_RISK[0])
    assert db["questions"].count == 0


def test_concern_text_stops_the_concern_and_goes_to_the_dsl(chat, db):
    chat.send("/concern")
    chat.press("Something in my child's class")
    chat.press("Year 4")
    chat.press("A formal complaint")
    chat.send(AT_RISK[8])
    assert_referred(chat, db, AT_RISK[8])
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


def test_the_sentence_encoder_refers_what_no_rule_was_written_for():
    """The semantic layer (knowledge/safeguarding_model.py) catches a disclosure the rules
    and cue words pass over."""
    text = "he cries at home time and hides in the toilets so he doesnt have to go home"
    assert not Detector((("cues", cue_score),)).assess(text).at_risk
    assert assess(text).at_risk
