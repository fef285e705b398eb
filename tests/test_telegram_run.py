"""`policybot run` as a real process against the fake Bot API: it answers, stops cleanly on
SIGTERM, and reports a bad token in one line without repeating it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.fake_bot_api import FakeBotApi

TOKEN = "123456789:AAE_test-token-abcdefghijklmnopqrstuvwxyz"
SECRET = TOKEN.split(":")[1]


def _environment(tmp_path, **settings: str) -> dict[str, str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "POLICYBOT_"))
    }
    environment.update(POLICYBOT_DB=str(tmp_path / "bot.db"), **settings)
    return environment


def _policybot(tmp_path, *args: str, **settings: str) -> subprocess.Popen:
    # cwd is tmp_path, so a developer's own .env is not read
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", *args],
        cwd=tmp_path,
        env=_environment(tmp_path, **settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_run_answers_and_stops_cleanly_on_sigterm(tmp_path):
    with FakeBotApi(TOKEN) as server:
        process = _policybot(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.url)
        try:
            server.wait_for_calls_sync("setMyCommands", 1, timeout=30)
            server.push_message(4242, "/start")
            [welcome] = server.wait_for_calls_sync("sendMessage", 1, timeout=10)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "Hello" in welcome.text
    assert "running as @policy_test_bot" in stderr
    assert SECRET not in stderr


@pytest.mark.parametrize(
    ("token", "says"),
    [
        ("", "TELEGRAM_BOT_TOKEN is not set"),
        ("123:not a token", "does not look like a bot token"),
    ],
)
def test_run_with_a_missing_or_malformed_token_is_one_line(tmp_path, token, says):
    process = _policybot(tmp_path, TELEGRAM_BOT_TOKEN=token)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stderr.count("\n") == 1, stderr
    assert says in stderr


def test_run_with_a_rejected_token_is_one_line(tmp_path):
    with FakeBotApi("987654321:AAE_the-real-token-is-another-one-entirely") as server:
        process = _policybot(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.url)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stderr.strip().splitlines()[-1].startswith("policybot: Telegram rejected")
    assert SECRET not in stderr
