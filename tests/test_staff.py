"""The staff registry: invitations are one-time, expire, are stored only as a hash, and
bind a chat identity to a role; the role always comes from the registry, never from what
the transport says; revoking unbinds."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import timedelta

from bot.cli import build_parser, main
from handlers.engine import Engine
from handlers.replies import Person
from handlers.staff import invite
from storage.db import open_database
from storage.staff import staff_roles
from tests.conftest import NOW, Chat
from tests.staffing import register


def test_invite_redeemed_once_binds_the_role(engine, db):
    code, _ = invite(db, "headteacher", "Mrs Head", NOW)
    head = Chat(engine, Person(id="test:head"))
    head.send(f"/start {code}")
    assert "registered as the Headteacher" in head.text
    assert "/inbox" in head.text
    assert staff_roles(db, "test:head") == ["headteacher"]
    assert next(db.query("SELECT chat_id FROM role_chats WHERE role = 'headteacher'")) == {
        "chat_id": "test:head"
    }
    someone = Chat(engine, Person(id="test:someone"))
    someone.send(f"/start {code}")
    assert "isn't valid" in someone.text
    assert staff_roles(db, "test:someone") == []


def test_invite_expires_after_a_week(knowledge, db):
    code, _ = invite(db, "dsl", "Mr Safe", NOW)
    later = Engine(knowledge, db, clock=lambda: NOW + timedelta(days=8))
    Chat(later, Person(id="test:dsl")).send(f"/start {code}")
    assert staff_roles(db, "test:dsl") == []


def test_code_is_never_stored_in_clear(db):
    code, _ = invite(db, "headteacher", "Mrs Head", NOW)
    dump = "\n".join(db.conn.iterdump())
    assert code not in dump
    assert hashlib.sha256(code.encode()).hexdigest() in dump


def test_transport_role_is_not_trusted(engine):
    forged = Chat(engine, Person(id="test:forger", role="headteacher"))
    forged.send("/inbox")
    assert "isn't available to you" in forged.text


def cli(tmp_path, monkeypatch, *args: str) -> int:
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "cli.db"))
    return main(list(args))


def test_cli_invite_prints_code_and_link(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME", raising=False)
    assert (
        cli(
            tmp_path,
            monkeypatch,
            "staff",
            "invite",
            "--role",
            "class_teacher",
            "--class",
            "Year 3",
            "--name",
            "Mrs Three",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "https://t.me/<your_bot>?start=" in out
    assert "TELEGRAM_BOT_USERNAME" in out
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "@bhpolicybot")
    cli(tmp_path, monkeypatch, "staff", "invite", "--role", "headteacher", "--name", "H")
    assert "https://t.me/bhpolicybot?start=" in capsys.readouterr().out
    assert (
        cli(
            tmp_path,
            monkeypatch,
            "staff",
            "invite",
            "--role",
            "class_teacher",
            "--name",
            "No class",
        )
        == 2
    )
    assert "needs --class" in capsys.readouterr().err


def test_cli_list_and_revoke(tmp_path, monkeypatch, capsys, knowledge):
    db = open_database(tmp_path / "cli.db")
    engine = Engine(knowledge, db, clock=lambda: NOW)
    head = register(engine, "headteacher", "local:head")
    assert cli(tmp_path, monkeypatch, "staff", "list") == 0
    assert "headteacher  local:head  Test headteacher" in capsys.readouterr().out
    assert cli(tmp_path, monkeypatch, "staff", "revoke", "headteacher") == 0
    assert "local:head" in capsys.readouterr().out
    head.send("/inbox")
    assert "isn't available to you" in head.text
    assert db["role_chats"].count_where("role = 'headteacher'") == 0
    assert cli(tmp_path, monkeypatch, "staff", "revoke", "local:nobody") == 1


def test_terminal_user_who_redeemed_is_staff_in_later_sessions(tmp_path, monkeypatch, capsys):
    cli(tmp_path, monkeypatch, "staff", "invite", "--role", "headteacher", "--name", "H")
    code = next(
        line.split()[2]
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("One-time code:")
    )
    env = {**os.environ, "POLICYBOT_DB": str(tmp_path / "cli.db")}

    def chat(*lines: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "bot", "chat", "--user", "head"],
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        ).stdout

    assert "registered as the Headteacher" in chat(f"/start {code}")
    assert "Nothing open for the Headteacher" in chat("/inbox")
    assert (
        "isn't available to you"
        in subprocess.run(
            [sys.executable, "-m", "bot", "chat", "--user", "other"],
            input="/inbox\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        ).stdout
    )


def test_every_subcommand_has_help():
    def walk(parser):
        for action in parser._subparsers._group_actions if parser._subparsers else ():
            for choice in action._choices_actions:
                assert choice.help, choice.dest
            for sub in action.choices.values():
                yield sub
                yield from walk(sub)

    assert len(list(walk(build_parser()))) >= 12
