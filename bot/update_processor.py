"""Updates of different chats handled at once, each chat's strictly in the order they
arrived. A person's messages and button presses never overtake each other (a flow step is
never answered before the one it follows), while a slow Bot API round trip or a failing
update in one chat holds up no other chat.

PTB hands `do_process_update` the updates in queue order: it starts one task per update in
that order, and its semaphore (here the bound on updates taken off the queue, `max_waiting`)
is first come, first served. So the order in which updates join their chat's lane is the
order they arrived in; each lane is an asyncio.Lock, which wakes its waiters in that order.
Only an update whose turn it is takes one of the `max_in_flight` slots: a chat with a long
backlog waits in its lane without starving the others."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Hashable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates being handled at once: each mostly waits on a Bot API round trip, so a few dozen
# keep Telegram's 30 messages a second busy even at 150 ms a call.
MAX_IN_FLIGHT = 64
# Updates taken off the queue and not yet finished (in flight or waiting for their chat).
MAX_WAITING = 10_000


def lane_of(update: object) -> Hashable:
    """The chat an update belongs to (a private chat's id is its person's); a button under
    an inline message has no chat, so it goes with its person."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


@dataclass
class _Lane:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # updates holding or waiting for the lock: the lane goes when none do


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """PTB's update processor, concurrent across chats and sequential within one."""

    def __init__(self, max_in_flight: int = MAX_IN_FLIGHT, max_waiting: int = MAX_WAITING):
        super().__init__(max_concurrent_updates=max_waiting)
        self.max_in_flight = max_in_flight
        self._slots = asyncio.Semaphore(max_in_flight)
        self._lanes: dict[Hashable, _Lane] = {}

    @property
    def busy_chats(self) -> int:
        return len(self._lanes)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = lane_of(update)
        lane = self._lanes.setdefault(key, _Lane())
        lane.users += 1  # joined before the first await: the lane keeps arrival order
        try:
            async with lane.lock, self._slots:
                await coroutine
        finally:
            lane.users -= 1
            if not lane.users:
                del self._lanes[key]
            if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == (
                inspect.CORO_CREATED
            ):
                coroutine.close()  # cancelled while waiting its turn (shutdown)

    async def initialize(self) -> None:
        """Nothing to set up: lanes come and go with the updates."""

    async def shutdown(self) -> None:
        """Nothing to free: Application.stop() has already waited for every update."""
