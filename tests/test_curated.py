"""Loading the answers file refuses anything that would put words in the school's mouth."""

import pytest

from knowledge.curated import CuratedDataError, parse_curated
from knowledge.policy import load_policy
from knowledge.school import DEFAULT_SCHOOL_DIR, load_knowledge

POLICY = load_policy(DEFAULT_SCHOOL_DIR / "policy" / "social-media-policy.txt")

GOOD = """
[[entry]]
id = "class-whatsapp"
sections = ["6"]
answer = "Class WhatsApp groups follow the same rules."
quote = "We expect parents/carers to follow the above social media guidelines when using class WhatsApp groups."
questions = ["whatsapp rules"]
"""


def test_good_entry_loads():
    curated = parse_curated(GOOD, POLICY)
    assert curated.entries[0].sections == ("6",)
    assert curated.entries[0].audience == {"anyone"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('sections = ["6"]', 'sections = ["6.4"]'),
            r"class-whatsapp: section '6.4' does not exist",
        ),
        (('sections = ["6"]', "sections = []"), r"class-whatsapp: 'sections' is empty"),
        (
            ("when using class", "when using any"),
            r"class-whatsapp: 'quote' is not the exact wording",
        ),
        (('sections = ["6"]', 'sections = ["5"]'), r"class-whatsapp: 'quote' is not the exact"),
        (('questions = ["whatsapp rules"]', "questions = []"), r"class-whatsapp: needs at least"),
        (
            ('answer = "Class WhatsApp groups follow the same rules."', 'answer = "  "'),
            r"class-whatsapp: 'answer' must be a non-empty",
        ),
        (
            ('id = "class-whatsapp"\n', 'id = "class-whatsapp"\naction = "sue"\n'),
            r"class-whatsapp: action must be one of",
        ),
        (
            ('id = "class-whatsapp"\n', 'id = "class-whatsapp"\naudience = ["aliens"]\n'),
            r"class-whatsapp: unknown audience",
        ),
    ],
)
def test_invalid_entries_name_the_entry(change, message):
    with pytest.raises(CuratedDataError, match=message):
        parse_curated(GOOD.replace(*change), POLICY)


def test_duplicate_ids_refused():
    with pytest.raises(CuratedDataError, match="class-whatsapp: id is used twice"):
        parse_curated(GOOD + GOOD, POLICY)


def test_broken_toml_is_a_clear_error():
    with pytest.raises(CuratedDataError, match="not valid TOML"):
        parse_curated("[[entry]\nid=", POLICY)


def test_shipped_answers_cover_every_section():
    knowledge = load_knowledge()
    covered = {number for entry in knowledge.curated.entries for number in entry.sections}
    assert covered == set(knowledge.policy.numbers)
    assert all(len(entry.questions) >= 5 for entry in knowledge.curated.entries)
    assert knowledge.curated.out_of_scope, "declines need out-of-scope topics to point people on"
