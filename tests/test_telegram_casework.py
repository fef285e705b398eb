"""Casework over real HTTP: a concern raised in Telegram is stored once, and the staff
notification reaches the office chat through the outbox even when Telegram answers 429 and
500 on the way; a report's screenshot sent as a photo is fetched and saved."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from handlers.engine import Engine
from tests.fake_bot_api import FakeBotApi
from tests.journeys import DETAILS, PNG, engine_with
from tests.telegram_driver import PARENT, TOKEN, button, press, running_bot, say, wait_until

OFFICE_CHAT = 777


async def tap(server: FakeBotApi, message, label: str):
    return await press(server, message, button(message, label)["callback_data"])


def to_office(server: FakeBotApi) -> list:
    """Messages the fake API accepted for the office chat."""
    return [
        c
        for c in server.calls("sendMessage")
        if int(c.params["chat_id"]) == OFFICE_CHAT and isinstance(c.response, dict)
    ]


async def test_concern_in_telegram_is_stored_once_and_reaches_the_office(server, knowledge, db):
    engine = engine_with(knowledge, db, office_chat_id=OFFICE_CHAT)
    async with running_bot(server, engine):
        await say(server, "/start", user=OFFICE_CHAT)  # a bot can only message who started it
        (message,) = await say(server, "/concern")
        (message,) = await tap(server, message, "Something in my child's class")
        (message,) = await tap(server, message, "Year 3")
        (message,) = await tap(server, message, "A concern")
        (message,) = await say(server, "Tom Smith")
        (message,) = await tap(server, message, "Skip")
        (message,) = await say(server, DETAILS)
        (message,) = await say(server, "A word with the class, please.")
        (message,) = await tap(server, message, "Reply here in the chat")
        summary_press = button(message, "Submit")["callback_data"]
        server.push_callback(PARENT, summary_press, message.response["message_id"])
        await wait_until(lambda: db["submissions"].count == 1)
        reference = next(db.query("select reference from submissions"))["reference"]
        await wait_until(lambda: any(reference in c.params["text"] for c in to_office(server)))
        answered = len(server.calls("answerCallbackQuery"))
        server.push_callback(PARENT, summary_press, message.response["message_id"])  # re-tap
        await wait_until(lambda: len(server.calls("answerCallbackQuery")) > answered)
    assert db["submissions"].count == 1
    assert next(db.query("select route from submissions"))["route"] == "class_teacher:Year 3"
    delivered = [
        c
        for c in to_office(server)
        if reference in c.params["text"] and "a new concern" in c.params["text"]
    ]
    assert len(delivered) == 1  # the morning digest may mention it too; the notice comes once
    assert DETAILS not in delivered[0].params["text"]  # staff notices carry no parent's words
    assert {row["status"] for row in db.query("select status from outbox")} == {"sent"}
    parent_messages = [
        c.params["text"] for c in server.calls("sendMessage") if int(c.params["chat_id"]) == PARENT
    ]
    assert any(reference in text for text in parent_messages)


async def test_notifications_survive_429_and_500(server, knowledge, db):
    from storage.outbox import Notice, enqueue

    fixed = engine_with(knowledge, db, office_chat_id=OFFICE_CHAT)
    engine = Engine(fixed.knowledge, db, clock=lambda: datetime.now(UTC))  # retries come due
    async with running_bot(server, engine):
        await say(server, "/start", user=OFFICE_CHAT)
        server.fail("sendMessage", 429, "Too Many Requests: retry after 1", times=1)
        enqueue(db, [Notice("Case BH-1 is waiting", role="headteacher")], None, engine.clock())
        await wait_until(lambda: len(server.calls("sendMessage")) >= 2)
        server.fail("sendMessage", 500, times=1)
        await wait_until(
            lambda: next(db.query("select status from outbox"))["status"] == "sent", seconds=60
        )
    row = next(db.query("select status, attempts from outbox"))
    # PTB's rate limiter waits out the 429 itself; the 500 is retried from the outbox
    assert row["status"] == "sent"
    assert row["attempts"] == 2
    assert len([c for c in to_office(server) if "BH-1" in c.params["text"]]) == 1


async def test_a_blocked_recipient_is_recorded_not_retried(server, knowledge, db):
    engine = engine_with(knowledge, db, office_chat_id=OFFICE_CHAT)
    server.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    async with running_bot(server, engine):
        from storage.outbox import Notice, enqueue

        enqueue(db, [Notice("A new case", role="headteacher")], None, engine.clock())
        await wait_until(lambda: next(db.query("select status from outbox"))["status"] == "failed")
        await asyncio.sleep(1.0)  # a few more outbox runs
    row = next(db.query("select attempts, next_attempt_at, last_error from outbox"))
    assert row["attempts"] == 1
    assert row["next_attempt_at"] is None
    assert "blocked" in row["last_error"]


async def test_a_report_screenshot_sent_as_a_photo_is_saved(server, knowledge, db):
    engine = engine_with(knowledge, db, office_chat_id=OFFICE_CHAT)
    async with running_bot(server, engine):
        (message,) = await say(server, "/report")
        (message,) = await tap(server, message, "Cyberbullying")
        (message,) = await say(server, "Instagram, https://instagram.com/p/abc123")
        (message,) = await say(server, "Last night at about 9pm")
        (message,) = await tap(server, message, "A pupil")
        before = len(server.calls("sendMessage"))
        server.push_photo(PARENT, PNG)
        (message,) = (await server.wait_for_calls("sendMessage", before + 1))[before:]
        (message,) = await tap(server, message, "Done")
        (message,) = await tap(server, message, "No, the school can reply")
        (message,) = await say(server, "Ella Smith")
        (message,) = await tap(server, message, "Skip")
        await tap(server, message, "Submit")
        await wait_until(
            lambda: next(db.query("select path from attachments"))["path"] is not None
        )
    case = next(db.query("select route, kind from submissions"))
    assert case == {"route": "headteacher+dsl", "kind": "report"}
    stored = next(db.query("select size, sha256 from attachments"))
    assert stored["size"] == len(PNG)
    assert len(stored["sha256"]) == 64


async def test_the_policy_review_reminder_reaches_the_headteacher(server, knowledge, db):
    """The casework job runs at start: this policy's review date (March 2025) has passed."""
    from tests.staffing import register

    engine = engine_with(knowledge, db, office_chat_id=OFFICE_CHAT)
    head = register(engine, "headteacher", person_id="tg:555")
    assert head.text
    async with running_bot(server, engine):
        await say(server, "/start", user=555)
        await wait_until(
            lambda: any(
                "review" in c.params["text"].lower()
                for c in server.calls("sendMessage")
                if int(c.params["chat_id"]) == 555 and isinstance(c.response, dict)
            )
        )


async def test_a_redelivered_update_has_no_second_effect(server, knowledge, db):
    engine = engine_with(knowledge, db, office_chat_id=OFFICE_CHAT)
    async with running_bot(server, engine):
        first = server.push_message(PARENT, "whatsapp rules?")
        await wait_until(lambda: db["questions"].count == 1)
        server.redeliver(first)
        server.push_message(PARENT, "/help")  # handled after the redelivered one
        await wait_until(
            lambda: any("/policy" in c.params["text"] for c in server.calls("sendMessage"))
        )
    assert db["questions"].count == 1
    assert next(db.query("select count(*) as n from handled_updates"))["n"] == 2


async def test_updates_received_but_not_handled_before_a_crash_are_handled_after(
    server, knowledge, tmp_path
):
    """The updater confirms a batch before handling it: a crash then must not lose it."""
    from telegram import Update

    from bot.telegram_app import build_application
    from storage.db import open_database

    path = tmp_path / "crash.db"
    crashed = build_application(
        TOKEN, engine_with(knowledge, open_database(path)), api_base_url=server.url
    )
    await crashed.initialize()
    for n in range(5):  # received (and confirmed to Telegram) but the process dies here
        update = server.push_message(PARENT + n, "whatsapp rules?")
        await crashed.update_queue.put(Update.de_json(update, crashed.bot))
    await crashed.shutdown()

    restarted = engine_with(knowledge, open_database(path))
    async with running_bot(server, restarted):
        await wait_until(lambda: restarted.db["received_updates"].count == 0)
    assert len({int(c.params["chat_id"]) for c in server.calls("sendMessage")}) == 5
    assert restarted.db["questions"].count == 5


async def test_a_failed_button_acknowledgement_does_not_cancel_the_press(server, bot):
    (message,) = await say(server, "whatsapp rules?")
    server.fail("answerCallbackQuery", 500, times=1)
    before = len(server.calls("sendMessage"))
    server.push_callback(
        PARENT, button(message, "Read section 6")["callback_data"], message.response["message_id"]
    )
    await wait_until(
        lambda: any(
            c.response and "Section 6" in (c.params.get("text") or "")
            for c in server.calls()[before:]
        )
    )


async def test_a_reply_lost_to_a_passing_error_is_sent_again(server, bot):
    server.fail("sendMessage", 500, times=1)
    replies = await say(server, "whatsapp rules?", expect=2)  # the failed try, then the retry
    assert isinstance(replies[-1].response, dict)
    assert "section 6" in replies[-1].params["text"]


async def test_a_button_acknowledgement_lost_once_is_sent_again(server, bot):
    (message,) = await say(server, "whatsapp rules?")
    server.fail("answerCallbackQuery", 500, times=1)
    query = server.push_callback(
        PARENT, button(message, "Read section 6")["callback_data"], message.response["message_id"]
    )
    await wait_until(lambda: server.queries[query] is True)
