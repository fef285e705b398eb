"""Telegram's own limits on the bot: about 30 messages a second in all and 20 a minute in
one group, as PTB's AIORateLimiter keeps them, with one difference that matters when many
chats are answered at once. When Telegram answers 429 ("retry after N"), AIORateLimiter
pauses every call of the bot; this limiter pauses only the call it was for (so the chat it
was for, whose updates are handled one after another): a flood wait in one chat holds up no
other, while the overall limit keeps the bot under Telegram's bot-wide rate."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

# Group limiters kept before the idle ones are forgotten.
MAX_GROUP_LIMITERS = 512


class ChatRetryRateLimiter(BaseRateLimiter[int]):
    def __init__(self, max_retries: int = 2) -> None:
        self.max_retries = max_retries
        self._overall = AsyncLimiter(FloodLimit.MESSAGES_PER_SECOND, 1)
        self._groups: dict[int | str, AsyncLimiter] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        retries = rate_limit_args or self.max_retries
        attempt = 0
        while True:
            try:
                if chat_id is None:  # getUpdates, answering a button press, set-up calls
                    return await callback(*args, **kwargs)
                async with self._group(chat_id), self._overall:
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt >= retries:
                    raise
                attempt += 1
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                await asyncio.sleep(seconds + 0.1)

    def _group(self, chat_id: int | str) -> contextlib.AbstractAsyncContextManager:
        """A group's or channel's own limiter (20 messages a minute); none for a person."""
        if isinstance(chat_id, int) and chat_id > 0:
            return contextlib.nullcontext()
        if len(self._groups) > MAX_GROUP_LIMITERS:  # forget groups with nothing in hand
            self._groups = {
                key: limiter
                for key, limiter in self._groups.items()
                if not limiter.has_capacity(limiter.max_rate)
            }
        return self._groups.setdefault(
            chat_id, AsyncLimiter(FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP, 60)
        )
