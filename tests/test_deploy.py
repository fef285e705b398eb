"""The container and service files start commands that exist, and the units are valid.

These files are read by Docker and systemd, never by our code, so nothing else would notice
when a command they run is renamed or an option dropped."""

from __future__ import annotations

import getpass
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
UNITS = sorted((ROOT / "deploy").glob("policybot*.*"))


def _policybot_commands() -> list[list[str]]:
    """Every `policybot ...` command line the Dockerfile, compose.yaml and units run."""
    found = []
    dockerfile = (ROOT / "Dockerfile").read_text()
    for instruction in re.findall(r"^(?:CMD|HEALTHCHECK .*CMD) (\[.*\])$", dockerfile, re.M):
        found.append(json.loads(instruction))
    compose = (ROOT / "compose.yaml").read_text()
    found += [json.loads(c) for c in re.findall(r"^\s+command: (\[.*\])$", compose, re.M)]
    for unit in UNITS:
        for line in re.findall(r"^ExecStart=(.*)$", unit.read_text(), re.M):
            words = shlex.split(line)
            if words[0] == "/bin/sh":  # the backup unit dates its file name in a shell
                words = shlex.split(words[-1].removeprefix("exec ").replace("%%", "%"))
            found.append(words)
    return [[Path(words[0]).name, *words[1:]] for words in found]


def test_every_command_the_deploy_files_run_is_a_policybot_command():
    commands = _policybot_commands()
    assert {tuple(c[:2]) for c in commands} >= {
        ("policybot", "run"),
        ("policybot", "web"),
        ("policybot", "doctor"),
        ("policybot", "backup"),
    }
    for words in commands:
        assert words[0] == "policybot", words
        build_parser().parse_args(words[1:])  # exits (SystemExit) on an unknown command


def test_units_restart_on_failure_as_a_dedicated_user_with_a_private_state_directory():
    for name in ("policybot.service", "policybot-web.service"):
        text = (ROOT / "deploy" / name).read_text()
        assert "Restart=on-failure" in text
        assert "User=policybot" in text
        assert "EnvironmentFile=/etc/policybot/policybot.env" in text
        assert "StateDirectoryMode=0700" in text
    timer = (ROOT / "deploy" / "policybot-backup.timer").read_text()
    assert "Persistent=true" in timer


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_units_pass_systemd_analyze_verify(tmp_path):
    """Verify the units as systemd would load them, with this machine's user and venv."""
    me = getpass.getuser()
    policybot = str(Path(sys.executable).with_name("policybot"))
    for unit in UNITS:
        text = unit.read_text().replace("/opt/policybot/venv/bin/policybot", policybot)
        text = re.sub(r"^(User|Group)=policybot$", rf"\1={me}", text, flags=re.M)
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
