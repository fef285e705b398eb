"""`kill -9` part-way through a concern, then a restart on the same database: the
conversation resumes where it stood and the submission is stored once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from tests.journeys import DETAILS


def _start(tmp_path) -> subprocess.Popen:
    env = {**os.environ, "POLICYBOT_DB": str(tmp_path / "crash.db")}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _say(process: subprocess.Popen, line: str, expect: str, timeout: float = 30) -> str:
    """Send one line and read until the bot's reply contains `expect`."""
    process.stdin.write(line + "\n")
    process.stdin.flush()
    seen, deadline = "", time.monotonic() + timeout
    while expect not in seen:
        out = process.stdout.readline()
        assert out, f"no {expect!r} in {seen!r}"
        assert time.monotonic() < deadline, f"no {expect!r} in {seen!r}"
        seen += out
    return seen


def test_kill_9_mid_flow_then_restart_resumes_and_stores_once(tmp_path):
    with _start(tmp_path) as first:
        _say(first, "/concern", "Something in my child's class")
        _say(first, "Something in my child's class", "Year 3")
        _say(first, "Year 3", "A concern")
        os.kill(first.pid, signal.SIGKILL)

    with _start(tmp_path) as second:
        _say(second, "A concern", "child's name")  # the restart carries on at the same step
        _say(second, "Tom Smith", "your name")
        _say(second, "Skip", "What happened")
        _say(second, DETAILS, "put it right")
        _say(second, "A word with the class, please.", "Reply here in the chat")
        _say(second, "Reply here in the chat", "Submit")
        _say(second, "Submit", "Reference")

    listing = subprocess.run(
        [sys.executable, "-m", "bot", "cases", "list", "--json"],
        env={**os.environ, "POLICYBOT_DB": str(tmp_path / "crash.db")},
        capture_output=True,
        text=True,
        check=True,
    )
    cases = json.loads(listing.stdout)
    assert [(c["kind"], c["route"]) for c in cases] == [("concern", "class_teacher:Year 3")]
