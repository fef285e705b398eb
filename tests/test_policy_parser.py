"""The parser finds every numbered section with its own title and cleans PDF artefacts."""

from pathlib import Path

import pytest

from knowledge.policy import PolicyFormatError, load_policy, parse_policy
from knowledge.school import DEFAULT_SCHOOL_DIR

POLICY = DEFAULT_SCHOOL_DIR / "policy" / "social-media-policy.txt"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def policy():
    return load_policy(POLICY)


def test_every_section_found_with_number_and_title(policy):
    assert [(s.number, s.title) for s in policy.sections] == [
        ("1", "Rationale and aims"),
        ("2", "Roles and responsibilities"),
        ("3", "Use of official school social media"),
        ("3.1", "X (formerly Twitter)"),
        ("3.2", "Moderation"),
        ("3.3", "Following other social media users"),
        ("4", "Use of social media by staff"),
        ("5", "Use of social media by pupils"),
        ("6", "Use of social media by parents, carers and guardians"),
        ("7", "Cyber Bullying"),
        ("8", "Monitoring arrangements"),
        ("9", "Links with other policies"),
    ]


def test_header_facts(policy):
    assert policy.title == "Social Media Policy"
    assert policy.fact("responsible") == "Headteacher"
    assert policy.fact("adopted") == "March 2024"
    assert policy.review_date.isoformat() == "2025-03-01"


def test_running_header_removed_everywhere(policy):
    for section in policy.sections:
        assert "Biggin Hill Primary School Social Media Policy" not in section.text


def test_page_break_sentence_rejoined(policy):
    staff = policy.section("4").text
    assert (
        "use professional judgement (in reference to child protection and safeguarding "
        "policies) when communicating with children" in staff
    )


def test_bullet_lists_kept_as_items(policy):
    posts = policy.section("3.1")
    lists = [block for block in posts.blocks if block.kind == "bullets"]
    assert len(lists) == 2
    assert lists[1].items[0] == "Names and photos of individuals (unless they have given consent)"
    # section 5's list is split by a blank line in the source and must stay one list
    pupils = policy.section("5").blocks
    assert len(pupils) == 1
    assert len(pupils[0].items) == 7


def test_markdown_emphasis_removed(policy):
    assert "**" not in policy.section("4").text
    assert "Members of staff must not post content online" in policy.section("4").text


def test_second_made_up_policy():
    other = load_policy(DATA / "made-up-policy.txt")
    assert [(s.number, s.title) for s in other.sections] == [
        ("1", "Purpose"),
        ("2", "Pupils"),
        ("2.1", "Bringing a phone"),
        ("3", "Visitors"),
    ]
    assert other.fact("responsible") == "Deputy Headteacher"
    assert other.review_date.isoformat() == "2027-09-01"
    assert other.section("2.1").blocks[-1].items == (
        "Phones must be switched off",
        "Phones are kept in the office",
    )
    assert other.section("3").text == (
        "Visitors must not use phones in classrooms. This applies to parents helping in "
        "class, to contractors and to volunteers."
    )
    assert "Oakfield Junior School Mobile Phone Policy" not in "".join(
        s.text for s in other.sections
    )


def test_numbered_sentence_out_of_order_is_text_not_heading():
    policy = parse_policy("1. Intro\n\nSome text.\n\n2. Rules\n\n1. First rule applies\n")
    assert policy.numbers == ("1", "2")
    assert "1. First rule applies" in policy.section("2").text


def test_text_without_sections_is_a_clear_error():
    with pytest.raises(PolicyFormatError, match="no numbered section"):
        parse_policy("Just a letter to parents.\nNo headings here.")
