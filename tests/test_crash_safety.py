"""`kill -9` part-way through a concern, or with 50 updates in hand over a slow network,
then a restart on the same database: conversations resume where they stood, nothing is
lost, and each submission is stored once."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

from handlers.engine import Engine
from handlers.replies import Person
from storage.db import open_database
from tests.conftest import Chat
from tests.fake_bot_api import FakeBotApi
from tests.journeys import DETAILS, raise_concern
from tests.telegram_driver import TOKEN

REFERENCE = re.compile(r"\b[A-Z]{2,}-\d{4}-\d{4}\b")


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


def _run_bot(tmp_path, server: FakeBotApi) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "POLICYBOT_"))}
    env.update(
        POLICYBOT_DB=str(tmp_path / "bot.db"),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.url,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _references(server: FakeBotApi) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for call in server.calls("sendMessage"):
        if isinstance(call.response, dict):
            found.setdefault(call.params["chat_id"], set()).update(
                REFERENCE.findall(call.params["text"])
            )
    return found


def test_kill_9_with_50_updates_in_flight_loses_none_and_stores_each_submission_once(
    tmp_path, knowledge
):
    """50 parents press Submit at once over a slow network; the bot is killed while it has
    them all in hand, then restarted: every parent gets their reference, and each concern
    is stored once (the restart replays what was in hand, and Telegram redelivers too)."""
    engine = Engine(knowledge, open_database(tmp_path / "bot.db"))
    submits = {}
    for parent in range(60_000, 60_050):
        chat = Chat(engine, Person(id=f"tg:{parent}", role="parent", name="Sam"))
        raise_concern(chat, submit=False)
        submits[parent] = next(b.data for r in chat.last for b in r.buttons if "Submit" in b.label)
    engine.db.conn.close()

    with FakeBotApi(TOKEN, delay=0.3) as server:
        for parent, data in submits.items():
            summary = server.bot_message(
                parent, "Summary", [{"text": "Submit", "callback_data": data}]
            )
            server.push_callback(parent, data, summary["message_id"])
        first = _run_bot(tmp_path, server)
        server.wait_for_calls_sync("sendMessage", 1, timeout=30)  # replies on their way
        first.send_signal(signal.SIGKILL)
        first.wait()
        with sqlite3.connect(tmp_path / "bot.db") as con:
            [(in_hand,)] = con.execute(
                "select count(*) from received_updates where update_id not in "
                "(select update_id from handled_updates)"
            ).fetchall()
        assert in_hand >= 40, "the kill came while the updates were in hand"

        second = _run_bot(tmp_path, server)
        try:
            deadline = time.monotonic() + 60
            while len(_references(server)) < len(submits) and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
    references = _references(server)
    assert set(references) == set(submits), "every parent got an answer"
    assert all(len(refs) == 1 for refs in references.values()), "one reference each"
    with sqlite3.connect(tmp_path / "bot.db") as con:
        rows = con.execute("select person_id, count(*) from submissions group by 1").fetchall()
    assert len(rows) == len(submits)
    assert {count for _, count in rows} == {1}
