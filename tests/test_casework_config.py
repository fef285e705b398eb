"""school.toml's casework settings: every key optional with a stated default, a bad one named
in the error, titles and names only (never contact details), and school days counted
against the school's own calendar."""

from __future__ import annotations

import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest

from handlers.schooldays import add_school_days, is_school_day, school_today
from knowledge.casework import DEFAULT_CLASSES, Casework, load_casework
from knowledge.school import DEFAULT_SCHOOL_DIR, SchoolConfigError, load_school
from tests.conftest import NOW

MINIMAL = """
[school]
name = "Oakfield Junior School"
reference_prefix = "OJ"
contact = "the Oakfield office"

[policy]
file = "policy.txt"
answers = "answers.toml"
"""


@pytest.fixture
def folder(tmp_path) -> Path:
    shutil.copy(Path(__file__).parent / "data" / "made-up-policy.txt", tmp_path / "policy.txt")
    (tmp_path / "answers.toml").write_text("")
    (tmp_path / "school.toml").write_text(MINIMAL)
    return tmp_path


def test_a_minimal_school_toml_gets_the_defaults(folder):
    casework = load_school(folder).casework
    assert casework.classes == DEFAULT_CLASSES
    assert casework.holder("headteacher").title == "Headteacher"
    assert casework.holder("class_teacher:Year 2").title == "Year 2 class teacher"
    assert (casework.acknowledge_days, casework.respond_days) == (5, 15)
    assert (casework.about_chair_route, casework.office_chat_id) == ("vice_chair", None)
    assert casework.terms == ()
    assert casework.complaints_procedure is None


def test_biggin_hill_settings_load():
    casework = load_school(DEFAULT_SCHOOL_DIR).casework
    assert casework.classes[0] == "Reception"
    assert casework.classes[-1] == "Year 6"
    assert {t.start.year for t in casework.terms} == {2025, 2026, 2027}
    assert date(2026, 5, 4) in casework.closures
    assert casework.complaints_procedure.startswith("https://")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[casework]\nacknowledge_within_school_days = 0", "'acknowledge_within_school_days'"),
        ('[casework]\nabout_the_chair_goes_to = "headteacher"', "'about_the_chair_goes_to'"),
        ('[casework]\noffice_chat_id = "the office"', "'office_chat_id'"),
        (
            '[roles.headteacher]\nphone = "01959 000000"',
            r"\[roles.headteacher\] has unknown key "
            "'phone'",
        ),
        ('[roles.caretaker]\ntitle = "Caretaker"', "unknown role 'caretaker'"),
        ('[roles.class_teacher]\nnames = { "Year 9" = "Mr X" }', "unknown class 'Year 9'"),
        ('[[calendar.term]]\nstart = 2025-09-03\nend = "soon"', "'end' must be a date"),
        ("[[calendar.term]]\nstart = 2025-09-03\nend = 2025-07-01", "ends before it starts"),
    ],
)
def test_a_bad_setting_is_named(folder, extra, message):
    (folder / "school.toml").write_text(MINIMAL + "\n" + extra + "\n")
    with pytest.raises(SchoolConfigError, match=message):
        load_school(folder)


def calendar(toml: str) -> Casework:
    return load_casework(tomllib.loads(toml))


TERMS = calendar("""
[calendar]
closures = [2026-03-04, { start = 2026-03-11, end = 2026-03-12 }]
[[calendar.term]]
start = 2026-02-23
end = 2026-03-27
[[calendar.term]]
start = 2026-04-13
end = 2026-05-22
""")


def test_weekends_holidays_and_closures_are_not_school_days():
    assert is_school_day(date(2026, 3, 2), TERMS)
    assert not is_school_day(date(2026, 3, 7), TERMS)  # Saturday
    assert not is_school_day(date(2026, 3, 4), TERMS)  # closure
    assert not is_school_day(date(2026, 4, 1), TERMS)  # Easter holidays
    assert is_school_day(date(2026, 6, 1), TERMS)  # after the last term: weekdays count


def test_adding_school_days_skips_them():
    # Mon 2 Mar + 5: Tue 3, (Wed 4 closed), Thu 5, Fri 6, Mon 9, Tue 10.
    assert add_school_days(date(2026, 3, 2), 5, TERMS) == date(2026, 3, 10)
    # Across the Easter holidays: Thu 26, Fri 27 Mar, then Mon 13 Apr.
    assert add_school_days(date(2026, 3, 25), 3, TERMS) == date(2026, 4, 13)
    assert add_school_days(date(2026, 3, 6), 1, Casework()) == date(2026, 3, 9)


def test_today_is_the_date_at_the_school():
    assert school_today(NOW) == date(2026, 3, 2)
    late_summer_evening = NOW.replace(month=6, day=1, hour=23, minute=30)  # 00:30 BST
    assert school_today(late_summer_evening) == date(2026, 6, 2)
