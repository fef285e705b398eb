"""Operating the bot safely: clear errors when the database can't be used, an online
backup that restores, and `doctor` catching what would hurt in production."""

from __future__ import annotations

import shutil
import stat

import pytest

from bot.cli import main
from handlers.engine import Engine
from handlers.replies import Person
from knowledge.school import DEFAULT_SCHOOL_DIR
from storage.db import open_database
from tests.conftest import NOW, Chat
from tests.journeys import raise_concern


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "var" / "policybot.db"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return tmp_path


def test_database_and_its_folder_are_created_owner_only(env):
    open_database(env / "var" / "policybot.db")
    assert stat.S_IMODE((env / "var" / "policybot.db").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "make",
    [
        lambda path: path.mkdir(parents=True),  # a folder where the file should be
        lambda path: (path.parent.mkdir(parents=True), path.write_bytes(b"\x00garbage" * 50)),
    ],
)
def test_an_unusable_database_is_one_clear_line_at_start(env, capsys, make):
    make(env / "var" / "policybot.db")
    assert main(["cases", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("policybot: cannot use the database")
    assert err.count("\n") == 1


def test_backup_is_a_working_copy_with_the_saved_files(env, knowledge, capsys):
    db = open_database(env / "var" / "policybot.db")
    parent = Chat(Engine(knowledge, db, clock=lambda: NOW), Person(id="test:parent", name="Sam"))
    raise_concern(parent)
    reference = next(db.query("select reference from submissions"))["reference"]
    assert main(["backup", str(env / "backups" / "copy.db")]) == 0
    assert "restore:" in capsys.readouterr().out
    copy = open_database(env / "backups" / "copy.db")
    assert next(copy.query("select reference from submissions"))["reference"] == reference
    assert stat.S_IMODE((env / "backups" / "copy.db").stat().st_mode) == 0o600


def test_doctor_passes_a_healthy_install_and_fails_a_readable_database(env, capsys):
    assert main(["doctor"]) == 0
    assert capsys.readouterr().out.count("ok ") == 5
    (env / "var" / "policybot.db").chmod(0o644)
    assert main(["doctor"]) == 1
    assert "chmod go-rwx" in capsys.readouterr().out


def test_doctor_flags_a_malformed_token_without_printing_it(env, capsys, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "12345:not a real token")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  Telegram token" in out
    assert "not a real token" not in out


def test_doctor_flags_the_example_or_a_missing_office_phone(env, capsys, monkeypatch):
    assert main(["doctor"]) == 0  # advice, not a failure
    assert "WARN  office contact: [school] phone is still the example number" in (
        capsys.readouterr().out
    )
    school = env / "school"
    shutil.copytree(DEFAULT_SCHOOL_DIR, school)
    toml = school / "school.toml"
    toml.write_text(
        "\n".join(line for line in toml.read_text().splitlines() if not line.startswith("phone ="))
    )
    monkeypatch.setenv("POLICYBOT_SCHOOL_DIR", str(school))
    assert main(["doctor"]) == 0
    assert "WARN  office contact: no [school] phone" in capsys.readouterr().out
    toml.write_text(toml.read_text().replace("[school]\n", '[school]\nphone = "020 7946 0123"\n'))
    assert main(["doctor"]) == 0
    assert 'ok    office contact: "Ask a person" gives 020 7946 0123' in capsys.readouterr().out
