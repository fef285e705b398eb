"""The shipped curated answers as a parent or teacher meets them: enough ways of asking per
entry to generalise, plain sentences, an offer to raise or report exactly where the entry
carries that action, and none of the wrong or accusing answers people were given before."""

import re
from collections import defaultdict

import pytest

from knowledge.school import load_knowledge

KNOWLEDGE = load_knowledge()
CURATED = KNOWLEDGE.curated
OFFER = "I can help you"


def test_every_entry_has_breadth_of_phrasing():
    thin = {e.id: len(e.questions) for e in CURATED.entries if len(e.questions) < 20}
    assert not thin, f"entries need at least 20 ways of asking: {thin}"
    thin = {t.id: len(t.questions) for t in CURATED.out_of_scope if len(t.questions) < 5}
    assert not thin, f"out-of-scope topics need at least 5 ways of asking: {thin}"


def test_answers_are_short_plain_sentences():
    """Many readers have English as an additional language: no sentence over 25 words."""
    long = [
        (entry.id, sentence)
        for entry in CURATED.entries
        for sentence in re.split(r"(?<=[.!?:])\s+", entry.answer)
        if len(sentence.split()) > 25
    ]
    assert not long


def test_an_answer_offers_to_raise_or_report_exactly_when_its_entry_has_an_action():
    offers_without_action = [e.id for e in CURATED.entries if OFFER in e.answer and not e.action]
    action_without_offer = [e.id for e in CURATED.entries if e.action and OFFER not in e.answer]
    assert not offers_without_action
    assert not action_without_offer


def test_a_phrasing_shared_by_entries_is_split_by_audience():
    """The same words may lead to different answers only for different askers ("can I post
    this photo?" from a parent, a teacher, a pupil); never to an entry and a decline."""
    owners = defaultdict(list)
    for entry in CURATED.entries:
        for question in entry.questions:
            owners[question.lower()].append(entry.audience)
    for topic in CURATED.out_of_scope:
        for question in topic.questions:
            owners[question.lower()].append(frozenset({"out of scope"}))
    for question, audiences in owners.items():
        seen: set[str] = set()
        for audience in audiences:
            assert "anyone" not in audience or len(audiences) == 1, question
            assert not audience & seen, question
            seen |= audience


@pytest.mark.parametrize(
    ("question", "says", "never_says"),
    [
        ("can i add teacher on facebook", "genuine need", "police"),
        ("my childs teacher sent me a friend request", "genuine need", "requests from pupils"),
        ("can my kid use phone at school", "Mobile Phone Policy", "Parents/carers may not"),
        ("whats the school twitter", "@BigginHillPS", "police"),
    ],
)
def test_parents_get_the_rule_that_fits_not_a_neighbouring_one(question, says, never_says):
    match = KNOWLEDGE.matcher.match(question, "parent")
    assert match.outcome == "answer"
    assert match.entry is not None
    assert says in match.entry.answer
    assert never_says not in match.entry.answer


@pytest.mark.parametrize(("audience", "section"), [("parent", "6"), ("staff", "4")])
def test_can_i_post_this_photo_depends_on_who_asks(audience, section):
    assert KNOWLEDGE.matcher.match("can I post this photo?", audience).section == section
