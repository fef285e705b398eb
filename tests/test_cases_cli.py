"""Concerns and reports driven through piped `policybot chat` exactly as a script would,
then read back with `policybot cases list --json` (design.md's contract) and `cases show`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.console import _pressed
from handlers.replies import Button
from storage.attachments import files_of
from storage.cases import case_by_reference
from storage.db import open_database
from tests.journeys import PNG, run_policybot

KEYS = {"reference", "kind", "route", "status", "created_at"}
KINDS = {"concern", "complaint", "report", "safeguarding", "question"}


def policybot(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return run_policybot(tmp_path, *args, stdin=stdin)


def cases(tmp_path: Path) -> list[dict]:
    result = policybot(tmp_path, "cases", "list", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    for case in listed:
        assert set(case) == KEYS
        assert case["kind"] in KINDS
    return listed


def test_no_cases_is_an_empty_list(tmp_path):
    assert cases(tmp_path) == []


def test_concern_report_and_safeguarding_through_the_terminal(tmp_path):
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(PNG)
    script = (
        "\n".join(
            [
                "/concern",
                "Something in my child's class",
                "Year 3",
                "A formal complaint",
                "Tom Smith",
                "Skip",
                "Homework has been set for Year 3 that nobody can do, for three weeks running.",
                "Homework that matches what was taught.",
                "Reply here in the chat",
                "Submit",
                "My cases",
                "/report",
                "Cyberbullying",
                "Instagram",
                "Saturday evening",
                "A pupil",
                f"/attach {shot}",
                "/attach /no/such/file.png",
                "Done",
                "No, the school can reply to me",
                "Ella Smith",
                "Sam Smith",
                "Submit",
                "/concern",
                "The headteacher",
                "/cancel",
                "someone is grooming my daughter online",
            ]
        )
        + "\n"
    )
    result = policybot(tmp_path, "chat", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] Something in my child's class" in out
    assert "Your formal complaint has been sent" in out
    assert "Got 1 file (1 in all)" in out
    assert "I couldn't read the file /no/such/file.png" in out
    assert "Cancelled: nothing was sent" in out
    assert "If a child is in immediate danger call 999" in out
    listed = cases(tmp_path)
    assert [(c["reference"], c["kind"], c["route"], c["status"]) for c in listed] == [
        ("BH-2026-0001", "complaint", "headteacher", "open"),  # stage 1: the head
        ("BH-2026-0002", "report", "headteacher+dsl", "open"),
        ("BH-2026-0003", "safeguarding", "dsl", "open"),
    ]
    db = open_database(tmp_path / "cli.db")
    [stored] = files_of(db, case_by_reference(db, "BH-2026-0002").id)
    assert (tmp_path / stored.path).read_bytes() == PNG

    shown = policybot(tmp_path, "cases", "show", "bh-2026-0002")
    assert shown.returncode == 0
    assert "BH-2026-0002: online-incident report" in shown.stdout
    assert "Route: headteacher+dsl; handled by the Headteacher" in shown.stdout
    assert "screenshot.png (image/png" in shown.stdout
    assert stored.sha256 in shown.stdout
    assert "parent: submitted (open)" in shown.stdout


def test_buttons_by_number_and_restart_between_runs(tmp_path):
    first = policybot(tmp_path, "chat", stdin="/concern\n3\n1\n")  # whole-school, a concern
    assert "What is your child's name?" in first.stdout
    second = policybot(
        tmp_path,
        "chat",
        stdin=(
            "Tom Smith\n1\n"  # the new session asks the form's question: no "Carry on?" first
            "The school gate is locked too early and children wait outside in the rain.\n"
            "Open it ten minutes earlier.\n1\n1\n"
        ),
    )  # a new process carries on the same flow, and says so
    assert "Welcome back. You were part-way through raising a concern" in second.stdout
    assert "Carry on" not in second.stdout
    assert "Your concern has been sent" in second.stdout, second.stdout[-2000:]
    assert [c["route"] for c in cases(tmp_path)] == ["headteacher"]


def test_show_an_unknown_case_is_one_line_error(tmp_path):
    result = policybot(tmp_path, "cases", "show", "BH-1999-0001")
    assert result.returncode == 2
    assert result.stderr == "policybot: no case BH-1999-0001\n"


@pytest.mark.parametrize("subcommand", ["list", "show"])
def test_cases_subcommands_have_help(subcommand):
    commands = next(a for a in build_parser()._actions if a.dest == "command")
    cases_parser = commands.choices["cases"]
    nested = next(a for a in cases_parser._actions if a.dest == "cases_command")
    assert next(c.help for c in nested._choices_actions if c.dest == subcommand)
    assert nested.choices[subcommand].format_help()


def test_a_label_can_be_typed_with_any_dash_or_case():
    escalate = Button("Not resolved — escalate", "1:escalate:BH-2026-0001")
    assert _pressed("not resolved - escalate", (escalate,)) is escalate
    assert _pressed("Not resolved — escalate", (escalate,)) is escalate
    assert _pressed("escalate", (escalate,)) is None  # a word of it is sent as text
