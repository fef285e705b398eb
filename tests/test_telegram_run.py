"""`policybot run` as a real process against the fake Bot API: it answers (by long polling,
or through a webhook the fake calls as Telegram would), stops cleanly on SIGTERM, and reports
a bad token in one line without repeating it."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_run_with_a_webhook_answers_once_per_update_and_refuses_forged_calls(tmp_path):
    port, secret = _free_port(), "webhook-secret-for-tests"
    url = f"http://127.0.0.1:{port}/policybot"
    with FakeBotApi(TOKEN) as server:
        process = _policybot(
            tmp_path,
            "--webhook-url",
            url,
            "--listen",
            "127.0.0.1",
            "--port",
            str(port),
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.url,
            TELEGRAM_WEBHOOK_SECRET=secret,
        )
        try:
            server.wait_for_calls_sync("setWebhook", 1, timeout=30)
            deadline = time.monotonic() + 10
            while not server.webhook_url and time.monotonic() < deadline:
                time.sleep(0.05)
            assert (server.webhook_url, server.webhook_secret) == (url, secret)
            first = server.push_message(4242, "whatsapp rules?")
            server.wait_for_calls_sync("sendMessage", 1, timeout=10)
            server.redeliver(first)  # Telegram calls again, as after a timeout
            server.push_message(4242, "/help")  # queued behind the redelivered call
            server.wait_for_calls_sync("sendMessage", 2, timeout=10)
            forged = urllib.request.Request(
                url,
                data=json.dumps({**first, "update_id": 999}).encode(),
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": "a guess",
                },
            )
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(forged, timeout=10)
            refused.value.close()
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert refused.value.code == 403
    taken = [update_id for update_id, status in server.webhook_posts if status == 200]
    assert taken.count(first["update_id"]) == 2  # delivered twice over the webhook...
    sent = [call.text for call in server.calls("sendMessage")]
    assert len(sent) == 2  # ...answered once, then /help
    assert "section 6" in sent[0]
    assert "/policy" in sent[1]
    with sqlite3.connect(tmp_path / "bot.db") as con:
        [(questions,)] = con.execute("select count(*) from questions").fetchall()
        [(handled,)] = con.execute("select count(*) from handled_updates").fetchall()
    assert (questions, handled) == (1, 2)
    assert SECRET not in stderr
