"""Another school brings its own folder: policy text, answers and school.toml. Nothing in
the code knows about Biggin Hill."""

import shutil
from pathlib import Path

import pytest

from knowledge.school import SchoolConfigError, load_knowledge

DATA = Path(__file__).parent / "data"

ANSWERS = """
[[entry]]
id = "pupil-phones"
sections = ["2.1"]
answer = "Pupils hand their phone to the class teacher in the morning and collect it at home time."
quote = "Phones are handed to the class teacher at the start of the day"
questions = ["can my child bring a phone", "where do phones go during the day"]

[[entry]]
id = "visitor-phones"
sections = ["3"]
answer = "Visitors, including parent helpers, must not use phones in classrooms."
quote = "Visitors must not use phones in classrooms."
questions = ["can parent helpers use their phone in class"]

[[out_of_scope]]
id = "lunch"
topic = "lunch menus"
pointer = "The menu is on the website."
questions = ["what is for lunch"]
"""

SCHOOL = """
[school]
name = "Oakfield Junior School"
reference_prefix = "OJ"
contact = "the Oakfield office"

[policy]
file = "policy/phones.txt"
answers = "answers.toml"
"""


@pytest.fixture
def oakfield(tmp_path) -> Path:
    (tmp_path / "policy").mkdir()
    shutil.copy(DATA / "made-up-policy.txt", tmp_path / "policy" / "phones.txt")
    (tmp_path / "answers.toml").write_text(ANSWERS)
    (tmp_path / "school.toml").write_text(SCHOOL)
    return tmp_path


def test_another_school_answers_from_its_own_policy(oakfield):
    knowledge = load_knowledge(oakfield)
    assert knowledge.school.name == "Oakfield Junior School"
    match = knowledge.matcher.match("can my son bring his mobile to school?")
    assert match.section == "2.1"
    assert match.title == "Bringing a phone"
    assert not knowledge.matcher.match("what's for lunch today").answered


def test_missing_policy_file_is_named(oakfield):
    (oakfield / "policy" / "phones.txt").unlink()
    with pytest.raises(SchoolConfigError, match="phones.txt does not exist"):
        load_knowledge(oakfield)


def test_missing_setting_is_named(oakfield):
    (oakfield / "school.toml").write_text(SCHOOL.replace('reference_prefix = "OJ"\n', ""))
    with pytest.raises(SchoolConfigError, match=r"\[school\] needs 'reference_prefix'"):
        load_knowledge(oakfield)


@pytest.mark.parametrize("prefix", ["St Mary", "BH-", "2026", "B/H", "ABCDEFGHIJK", "Sté"])
def test_a_prefix_that_cannot_make_a_reference_is_refused_at_start(oakfield, prefix):
    (oakfield / "school.toml").write_text(SCHOOL.replace('"OJ"', f'"{prefix}"'))
    with pytest.raises(SchoolConfigError, match="reference_prefix") as refused:
        load_knowledge(oakfield)
    assert "\n" not in str(refused.value)
