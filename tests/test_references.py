"""Case references (prefix-year-sequence) work whatever the school's prefix and however a
reference is typed: the prefix is checked at start, in one line, and every lookup ignores
case."""

from __future__ import annotations

from dataclasses import replace

from bot.cli import main
from handlers.engine import Engine
from handlers.replies import Person
from storage.audit import audit_of
from storage.cases import case_by_reference
from storage.db import open_database
from tests.conftest import NOW, Chat
from tests.journeys import raise_concern
from tests.staffing import register

REF = "StMary-2026-0001"


def st_marys(knowledge, db) -> Engine:
    school = replace(knowledge.school, reference_prefix="StMary")
    return Engine(replace(knowledge, school=school), db, clock=lambda: NOW)


def test_a_mixed_case_prefix_works_in_my_cases_and_the_inbox(knowledge, db):
    engine = st_marys(knowledge, db)
    parent = Chat(engine, Person("test:parent"))
    raise_concern(parent)
    assert f"Reference: {REF}" in parent.text
    parent.send("/mycases")
    parent.press(REF)
    assert "Status:" in parent.text
    teacher = register(engine, "class_teacher:Year 3")
    teacher.send("/inbox")
    teacher.press(REF)
    assert "What they told us" in teacher.text


def test_references_are_found_in_any_case(tmp_path, monkeypatch, capsys, knowledge):
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "cli.db"))
    db = open_database(tmp_path / "cli.db")
    raise_concern(Chat(st_marys(knowledge, db), Person("test:parent")))
    assert case_by_reference(db, "stmary-2026-0001").reference == REF
    assert case_by_reference(db, " STMARY-2026-0001 ").reference == REF
    assert main(["cases", "show", "stmary-2026-0001"]) == 0
    assert REF in capsys.readouterr().out
    assert main(["cases", "ack", "STMARY-2026-0001", "--as", "class_teacher:Year 3"]) == 0
    assert case_by_reference(db, REF).status == "acknowledged"
    assert [entry.action for entry in audit_of(db, "stmary-2026-0001")] == ["ack", "view"]
