"""The matcher on the shipped knowledge base: paraphrases, typos, one word and rambling
messages land on the right section; out-of-scope ones are declined; `action` is set."""

from pathlib import Path

import pytest

from knowledge.evaluation import load_questions, matcher_predictor, score
from knowledge.intent import detect_action
from knowledge.normalise import normalise, tokens


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("whatsapp", "6"),
        ("Can I put pics of the Christmas play on FB?", "6"),
        ("can i use my mobile at pick up", "6"),
        ("is it ok to film my kid's assembly", "6"),
        ("a pupil sent me a friend request on insta what do i do", "4"),
        ("can staff say where they work on their facebook profile", "4"),
        ("what will the school post on X", "3.1"),
        ("why was my comment on the school's tweet removed", "3.2"),
        ("does the school follow businesses on twitter", "3.3"),
        ("what is cyber bulying", "7"),
        ("how often does this policy get reviewed", "8"),
        ("what other policies is this linked to", "9"),
        ("who is responsible for enforcing the social media policy", "2"),
        ("what is the purpose of this policy", "1"),
        ("can pupils go on social media sites in school", "5"),
        ("who do i talk to if i'm unhappy about something in my daughter's class", "6"),
        (
            "so basically last week at the end of the day a few of us were chatting and "
            "someone said the school doesnt mind if we post pictures from sports day on "
            "facebook as long as our own kids are in them, but what about when other "
            "children are in the background, is that actually allowed or not?",
            "6",
        ),
    ],
)
def test_paraphrases_typos_and_lengths_answered(knowledge, question, section):
    match = knowledge.matcher.match(question)
    assert match.answered, match
    assert match.section == section, (match.section, match.confidence)


@pytest.mark.parametrize(
    "question",
    [
        "what time does school finish on fridays",
        "how do i pay for school dinners",
        "is there a breakfast club",
        "what's the weather tomorrow",
        "when is the school photographer coming in",
        "how do I reset my instagram password",
        "tell me a joke",
        "asdfghjkl",
    ],
)
def test_out_of_scope_declined(knowledge, question):
    match = knowledge.matcher.match(question)
    assert not match.answered, (match.section, match.confidence)
    assert match.section is None


def test_confidence_is_in_range_and_ordered(knowledge):
    clear = knowledge.matcher.match(
        "can parents post photos of other children from school events on facebook"
    )
    vague = knowledge.matcher.match("rules")
    assert 0.0 <= vague.confidence < clear.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("I want to make a complaint about my son's teacher", "concern"),
        ("who do I speak to about a concern with my child's class", "concern"),
        ("someone has made a fake account pretending to be my daughter", "report"),
        ("a parent keeps posting nasty comments about the year 4 teacher on facebook", "report"),
        ("my child is being cyberbullied", "report"),
        ("can I post photos from sports day", None),
        ("what does the school post on X", None),
        ("my daughter is being bullied in a group chat", "report"),
        ("what is cyberbullying", None),  # asking about a rule, not telling what happened
        ("will my child's photo be posted on the school twitter", None),
    ],
)
def test_action(text, action):
    assert detect_action(text) == action


def test_normalise_maps_abbreviations_and_synonyms():
    assert normalise("Pics on FB?! 😀") == "photo facebook"
    assert normalise("vid on insta") == "video instagram"
    assert "whatsapp" in tokens("wa group")
    assert "x" in tokens("twitter")
    assert "headteacher" in tokens("the head")
    assert tokens("my son") == tokens("my daughter") == tokens("my kid") == ["child"]
    assert tokens("mobile") == tokens("phone")


def test_typos_corrected_against_vocabulary(knowledge):
    match = knowledge.matcher.match("can i post picturs of the nativty on facebok", "parent")
    assert match.section == "6"


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        (
            "dev_questions.jsonl",
            {"top1_in_scope": 0.95, "out_of_scope_declined": 0.95, "right_within_one_tap": 0.97},
        ),
        (
            "heldout_questions.jsonl",
            {"top1_in_scope": 0.85, "out_of_scope_declined": 0.8, "right_within_one_tap": 0.88},
        ),
    ],
)
def test_answer_quality_does_not_regress(knowledge, name, floor):
    """dev: part of the data the decision was fitted on. heldout: written from the policy
    alone by someone who saw neither the dev set nor the curated answers; never tuned on,
    a floor under today's figures. On both, a confident wrong answer stays rare."""
    questions = load_questions(Path(__file__).parent / "data" / name)
    result = score("policybot", matcher_predictor(knowledge.matcher), questions).summary()
    for measure, least in floor.items():
        assert result[measure] >= least, (measure, result)
    assert result["in_scope_declined"] <= 0.08, result
    assert result["confident_wrong"] <= 0.02, result


@pytest.mark.parametrize(
    ("question", "parent_section", "staff_section"),
    [("can i post photos of the class", "6", "4"), ("who do i report a concern to", "6", "4")],
)
def test_staff_get_staff_answers_first_when_ambiguous(
    knowledge, question, parent_section, staff_section
):
    assert knowledge.matcher.match(question, "parent").section == parent_section
    assert knowledge.matcher.match(question, "staff").section == staff_section
