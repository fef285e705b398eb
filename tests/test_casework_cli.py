"""Case actions at the command line on behalf of a role (`cases ack|reply|resolve --as`),
checked and audited exactly as in the chat, with actor "cli"."""

from __future__ import annotations

import csv
import io

import pytest

from bot.cli import main
from handlers.engine import Engine
from handlers.replies import Person
from storage.audit import audit_of
from storage.cases import case_by_reference
from storage.db import open_database
from tests.conftest import NOW, Chat
from tests.journeys import raise_concern

REF = "BH-2026-0001"


def setup_case(tmp_path, monkeypatch, knowledge):
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "cli.db"))
    db = open_database(tmp_path / "cli.db")
    raise_concern(Chat(Engine(knowledge, db, clock=lambda: NOW), Person(id="test:parent")))
    return db


def test_ack_reply_resolve_on_behalf_of_a_role(tmp_path, monkeypatch, capsys, knowledge):
    db = setup_case(tmp_path, monkeypatch, knowledge)
    role = "class_teacher:Year 3"
    assert main(["cases", "ack", REF, "--as", role]) == 0
    assert "Acknowledged" in capsys.readouterr().out
    assert main(["cases", "reply", REF, "We are on it.", "--as", role]) == 0
    assert (
        main(["cases", "resolve", REF, "--outcome", "Sorted with the class.", "--as", role]) == 0
    )
    assert case_by_reference(db, REF).status == "closed"
    entries = audit_of(db, REF)
    assert {(e.actor, e.actor_role, e.action) for e in entries} == {
        ("cli", role, "ack"),
        ("cli", role, "reply"),
        ("cli", role, "resolve"),
        ("cli", role, "view"),
    }
    texts = [
        row["text"]
        for row in db.query(
            "SELECT text FROM outbox WHERE recipient_person IS NOT NULL ORDER BY id"
        )
    ]
    assert "We are on it." in texts[1]
    assert "Sorted with the class." in texts[2]


def test_a_role_the_case_is_not_routed_to_is_refused(tmp_path, monkeypatch, capsys, knowledge):
    db = setup_case(tmp_path, monkeypatch, knowledge)
    assert main(["cases", "ack", REF, "--as", "headteacher"]) == 2
    assert "may not ack" in capsys.readouterr().err
    assert main(["cases", "reply", "BH-2026-0099", "hello", "--as", "headteacher"]) == 2
    assert case_by_reference(db, REF).status == "open"
    assert [(e.actor, e.allowed) for e in audit_of(db, REF)] == [("cli", False)]


def test_export_csv_with_audit_and_the_governors_report(tmp_path, monkeypatch, capsys, knowledge):
    setup_case(tmp_path, monkeypatch, knowledge)
    main(["cases", "ack", REF, "--as", "class_teacher:Year 3"])
    main(["cases", "resolve", REF, "--outcome", "Done.", "--as", "class_teacher:Year 3"])
    capsys.readouterr()
    assert main(["cases", "export", "--since", "2026-01-01", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["reference"] for row in rows] == [REF]
    assert "cli (class_teacher:Year 3) resolve" in rows[0]["audit"]
    assert "WhatsApp" not in str(rows)  # no parent's words in the export
    main(["cases", "export", "--since", "2027-01-01"])
    assert len(capsys.readouterr().out.splitlines()) == 1  # the header only
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "1 case" in out
    assert "concern: 1" in out
    assert "closed: 1" in out
    assert "Median days to resolve: " in out
    assert "Overdue now: 0" in out
    with pytest.raises(SystemExit):
        main(["cases", "export", "--since", "yesterday"])
