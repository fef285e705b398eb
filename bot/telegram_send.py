"""Sending to Telegram: a reply rendered into chunks and a keyboard, files, downloads, and
the retry of a call that failed for a passing reason. Shared by the adapter (replies to what
someone just did) and the outbox (notifications)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, ReplyParameters
from telegram.error import BadRequest, NetworkError

from bot.telegram_render import keyboard, split_text, to_html
from handlers.replies import Reply

logger = logging.getLogger(__name__)

# A reply or acknowledgement failing for a passing reason (5xx, dropped connection) is tried
# this often in all.
REPLY_ATTEMPTS = 3
REPLY_RETRY_SECONDS = 0.5
# Files the Bot API lets a bot download (its cloud servers stop at 20 MB).
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


async def retrying_passing_errors(call: Callable[[], Awaitable[object]]) -> None:
    """Make a Bot API call, trying again after a passing failure (5xx, timeout, dropped
    connection); a refusal (400) is final. 429s are PTB's rate limiter's to wait out."""
    for attempt in range(1, REPLY_ATTEMPTS + 1):
        try:
            await call()
            return
        except BadRequest:
            raise
        except NetworkError as error:
            if attempt == REPLY_ATTEMPTS:
                raise
            logger.info("Bot API call failed (%s); trying again", error)
            await asyncio.sleep(REPLY_RETRY_SECONDS * attempt)


async def send_reply(bot: Bot, chat_id: int, reply: Reply, quote: int | None = None) -> None:
    """Send one reply: its text in chunks under Telegram's limit, the keyboard on the last
    chunk, then any files it carries."""
    chunks = split_text(reply.text)
    markup = keyboard(reply.buttons)
    for number, chunk in enumerate(chunks, 1):
        await bot.send_message(
            chat_id,
            to_html(chunk),
            reply_markup=markup if number == len(chunks) else None,
            reply_parameters=ReplyParameters(quote, allow_sending_without_reply=True)
            if quote and number == 1
            else None,
        )
    for attachment in getattr(reply, "files", ()):
        await send_file(bot, chat_id, attachment)


async def send_file(bot: Bot, chat_id: int, attachment: Any) -> None:
    content = attachment.data if attachment.data is not None else attachment.file_id
    if attachment.kind == "photo":
        await bot.send_photo(chat_id, content)
    else:
        await bot.send_document(chat_id, content, filename=attachment.file_name)


async def download_file(bot: Bot, file_id: str, max_bytes: int = MAX_DOWNLOAD_BYTES) -> bytes:
    """A sent file's bytes: getFile, then a GET on the Bot API's file URL."""
    telegram_file = await bot.get_file(file_id)
    if telegram_file.file_size and telegram_file.file_size > max_bytes:
        raise ValueError(f"file is {telegram_file.file_size} bytes, over {max_bytes}")
    return bytes(await telegram_file.download_as_bytearray())
