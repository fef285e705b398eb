"""How updates are delivered to the adapter over real HTTP: different chats at once, one
chat's strictly in order, and an update whose handling failed tried again (a bounded number
of times) instead of being marked handled and lost."""

from __future__ import annotations

import json
from datetime import datetime
from types import SimpleNamespace

from bot.update_queue import HANDLING_ATTEMPTS
from handlers import buttons
from handlers.replies import Button, Reply
from storage.db import open_database
from storage.updates import already_handled, keep_received
from tests.conftest import NOW
from tests.fake_bot_api import FakeBotApi
from tests.telegram_driver import BOT_NAME, PARENT, TOKEN, running_bot, say, wait_until

BUSY_CHATS = 100


class EchoEngine:
    """Stands in for the core: answers each message or press with what it was, so the order
    of the replies shows the order of handling; fails while `failures` lasts."""

    def __init__(self, db_path=":memory:", failures: int = 0) -> None:
        self.failures = failures
        self.received: list[str] = []
        self.knowledge = SimpleNamespace(school=SimpleNamespace(contact="the school office"))
        self.db = open_database(db_path)

    @staticmethod
    def clock() -> datetime:
        return NOW

    def handle(self, person, incoming) -> list[Reply]:
        what = incoming.text or incoming.button
        self.received.append(what)
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the database is busy")
        return [Reply(f"got {what}", (Button("Again", buttons.encode("menu")),))]


def replies_to(server: FakeBotApi, chat: int) -> list[str]:
    return [
        c.params["text"]
        for c in server.calls("sendMessage")
        if c.params["chat_id"] == chat and isinstance(c.response, dict)
    ]


# -- concurrent across chats, in order within one ----------------------------------------------
async def test_one_chats_messages_and_presses_are_answered_in_order_while_100_chats_are_busy(
    tmp_path,
):
    engine = EchoEngine(tmp_path / "order.db")
    with FakeBotApi(TOKEN, username=BOT_NAME, delay=0.01) as server:
        async with running_bot(server, engine, telegram_limits=False):
            [pressable] = await say(server, "hello")
            sent = []
            for step in range(20):
                for busy in range(BUSY_CHATS // 20 * step, BUSY_CHATS // 20 * (step + 1)):
                    server.push_message(50_000 + busy, f"busy {busy}")
                if step % 3 == 2:  # a press between messages, under the bot's first reply
                    data = f"press {step}"
                    server.push_callback(PARENT, data, pressable.response["message_id"])
                else:
                    data = f"message {step}"
                    server.push_message(PARENT, data)
                sent.append(data)
            await server.wait_for_calls("sendMessage", 1 + BUSY_CHATS + 20, timeout=60)
    assert replies_to(server, PARENT) == ["got hello"] + [f"got {data}" for data in sent]
    assert all(replies_to(server, 50_000 + busy) for busy in range(BUSY_CHATS))


async def test_a_slow_chat_holds_up_no_other(server, engine):
    slow = PARENT + 1
    server.slow_chat(slow, 3.0)  # every send to this chat takes 3 s (a struggling route)
    async with running_bot(server, engine, telegram_limits=False):
        server.push_message(slow, "/help")
        [stuck] = await server.wait_for_calls("sendMessage", 1, answered=False)
        server.push_message(PARENT, "/help")
        await wait_until(lambda: replies_to(server, PARENT))
        assert stuck.params["chat_id"] == slow
        assert stuck.response is None, "the other chat was answered while the slow one waited"
        await wait_until(lambda: replies_to(server, slow))


# -- a failed update is tried again, not lost ------------------------------------------------
async def test_an_update_that_fails_once_is_tried_again_and_answered(server):
    engine = EchoEngine(failures=1)
    async with running_bot(server, engine):
        update = server.push_message(PARENT, "I am worried about something my child said")
        await wait_until(lambda: replies_to(server, PARENT))
        await wait_until(lambda: already_handled(engine.db, update["update_id"]))
    assert replies_to(server, PARENT) == ["got I am worried about something my child said"]
    assert len(engine.received) == 2


async def test_a_retried_update_is_not_overtaken_by_a_later_one_from_the_same_chat(server):
    engine = EchoEngine(failures=2)
    async with running_bot(server, engine):
        server.push_message(PARENT, "first")
        server.push_message(PARENT, "second")
        await wait_until(lambda: len(replies_to(server, PARENT)) == 2)
    assert replies_to(server, PARENT) == ["got first", "got second"]


async def test_an_update_that_keeps_failing_is_given_up_after_a_bound_and_the_person_told(
    server, tmp_path
):
    engine = EchoEngine(tmp_path / "poison.db", failures=HANDLING_ATTEMPTS)
    async with running_bot(server, engine):
        update = server.push_message(PARENT, "poison")
        await wait_until(lambda: replies_to(server, PARENT))
        [sorry] = replies_to(server, PARENT)
        [after] = await say(server, "next")  # the chat is not stuck behind it
    assert "went wrong" in sorry
    assert "the school office" in sorry
    assert after.text == "got next"
    assert engine.received == ["poison"] * HANDLING_ATTEMPTS + ["next"]
    [kept] = engine.db.query("select * from received_updates")
    assert kept["update_id"] == update["update_id"]
    assert kept["failed_at"]  # kept for a person to look at
    async with running_bot(server, engine):  # a restart does not replay it
        await say(server, "/after-restart")
    assert engine.received[-1] == "/after-restart"
    assert engine.received.count("poison") == HANDLING_ATTEMPTS


async def test_an_update_in_hand_at_every_crash_is_given_up_at_start(server, tmp_path):
    engine = EchoEngine(tmp_path / "crashes.db")
    update = server.push_message(PARENT, "crashes the bot")
    server._updates.clear()  # Telegram had handed it over before the crashes
    keep_received(engine.db, update["update_id"], json.dumps(update), NOW)
    engine.db.execute(
        "update received_updates set attempts = ?", [HANDLING_ATTEMPTS - 1]
    )  # crashed with it in hand that often
    async with running_bot(server, engine):
        await wait_until(lambda: replies_to(server, PARENT))
    assert "went wrong" in replies_to(server, PARENT)[0]
    assert engine.received == []
    assert already_handled(engine.db, update["update_id"])


async def test_a_flood_wait_for_one_chat_holds_up_no_other(server, engine):
    waiting = PARENT + 1
    server.fail("sendMessage", 429, "Too Many Requests: retry after 3", times=1)
    async with running_bot(server, engine):  # with Telegram's limits, as `policybot run`
        server.push_message(waiting, "/help")
        await server.wait_for_calls("sendMessage", 1)  # told to wait 3 s
        server.push_message(PARENT, "/help")
        await wait_until(lambda: replies_to(server, PARENT))
        to_waiting = [c for c in server.calls("sendMessage") if c.params["chat_id"] == waiting]
        assert len(to_waiting) == 1, "the other chat was answered while this one waited"
        await wait_until(lambda: replies_to(server, waiting))
