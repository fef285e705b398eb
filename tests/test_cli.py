"""The command-line contracts of design.md: `ask --json` (single and batch), `chat` driven
through piped stdin, `eval` side by side with the baselines, and help on every command."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from tests.journeys import run_policybot

KEYS = {
    "question",
    "answered",
    "outcome",
    "section",
    "title",
    "answer",
    "confidence",
    "alternatives",
    "action",
}
DEV = Path(__file__).parent / "data" / "dev_questions.jsonl"


def run_cli(*args: str, stdin: str = "", tmp_path: Path) -> subprocess.CompletedProcess:
    return run_policybot(tmp_path, *args, stdin=stdin)


def assert_contract(obj: dict) -> None:
    assert set(obj) == KEYS
    assert isinstance(obj["answered"], bool)
    assert obj["outcome"] in ("answer", "clarify", "decline")
    assert obj["answered"] == (obj["outcome"] != "decline")
    assert 0.0 <= obj["confidence"] <= 1.0
    assert obj["action"] in (None, "concern", "report", "safeguarding")
    if obj["outcome"] == "clarify":  # "did you mean": 2 to 4 sections to choose from
        assert 1 <= len(obj["alternatives"]) <= 3
    for alt in obj["alternatives"]:
        assert set(alt) == {"section", "title", "confidence"}
    if obj["answered"]:
        assert isinstance(obj["section"], str)
        assert obj["title"]
        assert obj["answer"]
    else:
        assert obj["section"] is None
        assert obj["alternatives"] == []


def test_ask_json_single(capsys):
    assert main(["ask", "whatsapp rules?", "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert_contract(obj)
    assert obj["answered"]
    assert obj["section"] == "6"
    assert obj["title"] == "Use of social media by parents, carers and guardians"


def test_ask_json_batch_keeps_order_and_one_line_each(tmp_path):
    questions = [
        "whatsapp rules?",
        "when is half term",
        "",
        "what counts as cyberbullying",
        "someone made a fake instagram of my son",
    ]
    result = run_cli("ask", "--json", "-", stdin="\n".join(questions) + "\n", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions)
    objects = [json.loads(line) for line in lines]
    for obj, question in zip(objects, questions, strict=True):
        assert_contract(obj)
        assert obj["question"] == question
    assert objects[1]["answered"] is False
    assert objects[2]["answered"] is False
    assert objects[3]["section"] == "7"
    assert objects[4]["action"] == "report"


def test_ask_plain_text(capsys):
    main(["ask", "can staff accept friend requests from pupils"])
    assert "section 4" in capsys.readouterr().out


def test_chat_through_piped_stdin_presses_buttons_by_number_and_label(tmp_path):
    script = "whatsapp rules?\n1\nNext part ▶\n/policy\n5\n"
    result = run_cli("chat", stdin=script, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] Ask a question" in out  # the welcome menu
    assert "[1] Read section 6 in full" in out
    assert "Section 6: Use of social media by parents, carers and guardians (part 1 of" in out
    assert "(part 2 of" in out
    assert "Section 3.2: Moderation" in out
    assert "Traceback" not in result.stderr


def test_eval_reports_policybot_beside_both_baselines(tmp_path):
    result = run_cli("eval", str(DEV), "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    systems = {row["system"]: row for row in json.loads(result.stdout)}
    assert set(systems) == {"policybot", "words-only", "wratio-passages", "bm25-passages"}
    ours = systems["policybot"]
    assert ours["in_scope"] == 60
    assert ours["out_of_scope"] == 20
    for baseline in ("wratio-passages", "bm25-passages"):
        assert ours["top1_in_scope"] > systems[baseline]["top1_in_scope"]
        assert ours["confident_wrong"] < systems[baseline]["confident_wrong"]


def test_eval_prints_every_measure_and_a_reliability_table(tmp_path):
    result = run_cli("eval", str(DEV), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    for heading in ("top-1", "OOS declined", "in-scope declined", "confident wrong", "one tap"):
        assert heading in result.stdout
    assert "reliability" in result.stdout
    assert "0.9-1.0" in result.stdout


@pytest.mark.parametrize(("audience", "section"), [("parent", "6"), ("staff", "4")])
def test_ask_as_an_audience(capsys, audience, section):
    assert main(["ask", "can I post this photo?", "--json", "--as", audience]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert_contract(obj)
    assert obj["section"] == section


def test_bad_school_dir_is_one_line_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POLICYBOT_SCHOOL_DIR", str(tmp_path / "nowhere"))
    assert main(["ask", "hello"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("policybot: no school.toml")
    assert err.count("\n") == 1


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        assert command.format_help(), name
        assert any(choice.dest == name for choice in sub._choices_actions), name
        assert next(c.help for c in sub._choices_actions if c.dest == name)


@pytest.mark.parametrize("question", ["", "   "])
def test_ask_blank_question_declines(capsys, question):
    main(["ask", question, "--json"])
    assert json.loads(capsys.readouterr().out)["answered"] is False
