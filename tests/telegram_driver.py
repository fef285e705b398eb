"""Playing Telegram users against the real Application over HTTP: the constants, starting
the bot against the fake Bot API, and sending, pressing and reading like a client would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from bot.flood_limit import ChatRateLimit
from bot.telegram_app import ALLOWED_UPDATES, build_application
from tests.fake_bot_api import Call, FakeBotApi

TOKEN = "123456789:AAE_test-token-abcdefghijklmnopqrstuvwxyz"
PARENT = 4242
GROUP = -1009
BOT_NAME = "policy_test_bot"


@asynccontextmanager
async def running_bot(server: FakeBotApi, engine, **options) -> AsyncIterator:
    options.setdefault("rate_limit", ChatRateLimit(per_second=1000, burst=1000))
    application = build_application(TOKEN, engine, api_base_url=server.url, **options)
    await application.initialize()
    if application.post_init:  # as run_polling does between initialize() and start()
        await application.post_init(application)
    await application.start()
    await application.updater.start_polling(
        poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES
    )
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


async def say(
    server: FakeBotApi, text: str, expect: int = 1, user: int = PARENT, **kwargs
) -> list[Call]:
    """Send `text` as `user` and return the `expect` messages the bot sends back."""
    before = len(server.calls("sendMessage"))
    server.push_message(user, text, **kwargs)
    return (await server.wait_for_calls("sendMessage", before + expect))[before:]


async def press(
    server: FakeBotApi,
    message: Call,
    data: str,
    method: str = "sendMessage",
    user: int = PARENT,
    chat: int | None = None,
) -> list[Call]:
    """Press a button with `data` under the bot's `message`; the bot's `method` calls back."""
    before = len(server.calls(method))
    query = server.push_callback(user, data, message.response["message_id"], chat_id=chat)
    calls = (await server.wait_for_calls(method, before + 1))[before:]
    await server.wait_for_calls("answerCallbackQuery", 1)
    assert server.queries[query] is True, "every press is answered"
    return calls


async def wait_until(condition: Callable[[], object], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out waiting")


def button(call: Call, label: str) -> dict:
    for offered in call.buttons:
        if label.casefold() in offered["text"].casefold():
            return offered
    raise AssertionError(f"no button like {label!r} in {[b['text'] for b in call.buttons]}")


def labels(call: Call) -> list[str]:
    return [b["text"] for b in call.buttons]
