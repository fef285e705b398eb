"""One person may hold two roles (in a primary school the headteacher is often also the
designated safeguarding lead): registering the second keeps the first, cases routed to
either are theirs, and each is handled in the name of the role it was routed to."""

from __future__ import annotations

from bot.cli import main
from handlers.engine import Engine
from storage.cases import case_by_reference
from storage.db import open_database
from storage.staff import revoke_staff, staff_members
from tests.conftest import NOW
from tests.journeys import raise_concern
from tests.staffing import register

HEAD_AND_DSL = "test:head-and-dsl"
STAFF_CASE, SAFEGUARDING_CASE = "BH-2026-0001", "BH-2026-0002"


def parent_notices(db) -> list[str]:
    return [
        row["text"]
        for row in db.query("SELECT text FROM outbox WHERE recipient_person IS NOT NULL")
    ]


def two_cases(chat, other_parent) -> None:
    raise_concern(chat, about="A member of staff", class_name=None)
    other_parent.send("I think a child is being abused at home")
    assert case_by_reference(chat.engine.db, STAFF_CASE).route == "headteacher"
    assert case_by_reference(chat.engine.db, SAFEGUARDING_CASE).route == "dsl"


def test_the_second_role_keeps_the_first_and_both_inboxes_are_theirs(
    engine, chat, other_parent, db
):
    register(engine, "headteacher", HEAD_AND_DSL)
    head = register(engine, "dsl", HEAD_AND_DSL)
    two_cases(chat, other_parent)
    head.send("/inbox")
    assert STAFF_CASE in head.text
    assert SAFEGUARDING_CASE in head.text
    head.press(SAFEGUARDING_CASE)
    head.press("Reply to parent")
    head.send("Thank you for telling us; I will call you today.")
    assert "Reply recorded and sent to the parent" in head.text
    assert "(Designated Safeguarding Lead) replied" in parent_notices(db)[-1]
    head.press("Inbox")
    head.press(STAFF_CASE)
    head.press("Acknowledge")
    assert case_by_reference(db, STAFF_CASE).status == "acknowledged"
    assert "(Headteacher) has acknowledged" in parent_notices(db)[-1]
    assert {(m.person_id, m.role) for m in staff_members(db)} == {
        (HEAD_AND_DSL, "headteacher"),
        (HEAD_AND_DSL, "dsl"),
    }
    chats = {row["role"]: row["chat_id"] for row in db["role_chats"].rows}
    assert chats == {"headteacher": HEAD_AND_DSL, "dsl": HEAD_AND_DSL}


def test_revoking_one_role_leaves_the_other(engine, chat, other_parent, db):
    register(engine, "headteacher", HEAD_AND_DSL)
    head = register(engine, "dsl", HEAD_AND_DSL)
    two_cases(chat, other_parent)
    assert revoke_staff(db, "dsl", NOW) == [HEAD_AND_DSL]
    head.send("/inbox")
    assert STAFF_CASE in head.text
    assert SAFEGUARDING_CASE not in head.text
    assert {row["role"] for row in db["role_chats"].rows} == {"headteacher"}
    revoke_staff(db, HEAD_AND_DSL, NOW)
    head.send("/inbox")
    assert "isn't available to you" in head.text
    assert db["role_chats"].count == 0


def test_cli_lists_both_roles(tmp_path, monkeypatch, capsys, knowledge):
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "cli.db"))
    engine = Engine(knowledge, open_database(tmp_path / "cli.db"), clock=lambda: NOW)
    register(engine, "headteacher", "local:head")
    register(engine, "dsl", "local:head")
    assert main(["staff", "list"]) == 0
    out = capsys.readouterr().out
    assert "headteacher  local:head" in out
    assert "dsl  local:head" in out


def test_staff_registered_before_the_upgrade_keep_their_role(tmp_path):
    db = open_database(tmp_path / "policybot.db")
    db.execute("DROP TABLE staff_roles")  # as the database stood before m006
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_staff_roles'")
    db["people"].insert(
        {
            "id": "tg:7",
            "role": "headteacher",
            "display_name": "H",
            "first_seen": "2026-01-05",
            "last_seen": "2026-01-05",
        }
    )
    db = open_database(tmp_path / "policybot.db")
    assert [(m.person_id, m.role, m.name) for m in staff_members(db)] == [
        ("tg:7", "headteacher", "H")
    ]
