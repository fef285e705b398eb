"""At-least-once delivery, exactly-once effects. Every update is written to the database
the moment it is queued (so a crash loses none), skipped when it was already handled (a
restart or a retried webhook delivers it again), and marked handled only after its handler
succeeded. One whose handler failed is tried again in its chat's turn, so nothing the person
sent later overtakes it, up to HANDLING_ATTEMPTS in all; then it is given up and the person
told, rather than looping on a poison update. Whatever a previous run received but did not
handle is queued again at start (a crash while an update was in hand counts as an attempt)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from handlers.engine import Engine
from storage.updates import (
    already_handled,
    give_up,
    keep_received,
    mark_handled,
    record_failed_attempt,
    unhandled_received,
)

logger = logging.getLogger(__name__)

# Handler groups around the adapter's own (group 0): de-duplication first, bookkeeping last.
FIRST, LAST = -1, 1
# Failed tries at handling one update before it is given up, a crash while it was queued or
# in hand counting as one; the wait before the next try doubles from RETRY_SECONDS (a
# database busy in another process, a passing fault).
HANDLING_ATTEMPTS = 5
RETRY_SECONDS = 0.25


class DurableUpdateQueue(asyncio.Queue):
    """The Application's update queue, written through to the database. PTB's updater
    confirms a batch to Telegram before handling it (and a webhook answers before the update
    is handled), so without this a crash loses whatever was waiting; with it, those updates
    are handled after the restart (UpdateLedger.replay_unhandled)."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self._engine = engine

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            keep_received(
                self._engine.db, item.update_id, json.dumps(item.to_dict()), self._engine.clock()
            )
        await super().put(item)


class UpdateLedger:
    """The handled marks around the adapter's handlers, the retry of a failed update, and the
    replay at start. `apologise` tells an update's sender it could not be handled."""

    def __init__(self, engine: Engine, apologise: Callable[[Update, Bot], Awaitable[None]]):
        self.engine = engine
        self.apologise = apologise

    def register(self, application: Application) -> None:
        application.add_handler(TypeHandler(Update, self.skip_if_handled), group=FIRST)
        application.add_handler(TypeHandler(Update, self.mark_handled), group=LAST)
        application.add_error_handler(self.on_error)

    async def skip_if_handled(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A redelivered update (after a restart, or a retried webhook) is dropped."""
        if already_handled(self.engine.db, update.update_id):
            logger.info("update %s was already handled; skipping it", update.update_id)
            raise ApplicationHandlerStop

    async def mark_handled(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs after the update's handler succeeded: one that failed part-way is handled
        again when it is redelivered, and the flows' own idempotency keeps that safe."""
        mark_handled(self.engine.db, update.update_id, self.engine.clock())

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The error handler. It runs inside the failed update's turn in its chat, before the
        bookkeeping group, which it stops: a failed update is never marked handled."""
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("update %s failed", update_id, exc_info=context.error)
        if isinstance(update, Update):
            try:
                await self._try_again_or_give_up(update, context.application)
            except Exception:  # e.g. the database is unavailable: the next start replays it
                logger.exception("could not retry update %s; it stays unhandled", update_id)
        raise ApplicationHandlerStop

    async def _try_again_or_give_up(self, update: Update, application: Application) -> None:
        attempts = record_failed_attempt(self.engine.db, update.update_id)
        if attempts is not None and attempts < HANDLING_ATTEMPTS:
            await asyncio.sleep(RETRY_SECONDS * 2 ** (attempts - 1))
            logger.info("trying update %s again (attempt %d)", update.update_id, attempts + 1)
            await application.process_update(update)
            return
        await self._give_up(update, application.bot, attempts)

    async def _give_up(self, update: Update, bot: Bot, attempts: int | None) -> None:
        give_up(self.engine.db, update.update_id, self.engine.clock())
        logger.error(
            "update %s failed %s times: given up (kept in received_updates)",
            update.update_id,
            attempts,
        )
        try:
            await self.apologise(update, bot)
        except Exception:  # the error handler itself must never raise
            logger.warning("could not tell the sender of update %s", update.update_id)

    async def replay_unhandled(self, application: Application) -> None:
        """Queue again the updates a previous run received but died before handling."""
        replayed = 0
        for payload, attempts in unhandled_received(self.engine.db):
            update = Update.de_json(json.loads(payload), application.bot)
            if attempts >= HANDLING_ATTEMPTS:  # in hand at crash after crash: a poison update
                await self._give_up(update, application.bot, attempts)
                continue
            await application.update_queue.put(update)
            replayed += 1
        if replayed:
            logger.info("handling %d updates received before a restart", replayed)
