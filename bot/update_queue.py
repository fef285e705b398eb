"""At-least-once delivery, exactly-once effects. Every update is written to the database
the moment it is queued (so a crash loses none), skipped when it was already handled (a
restart or a retried webhook delivers it again), and marked handled only after its handler
succeeded; whatever a previous run received but did not handle is queued again at start."""

from __future__ import annotations

import asyncio
import json
import logging

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from handlers.engine import Engine
from storage.updates import already_handled, keep_received, mark_handled, unhandled_received

logger = logging.getLogger(__name__)

# Handler groups around the adapter's own (group 0): de-duplication first, bookkeeping last.
FIRST, LAST = -1, 1


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
    """The handled marks around the adapter's handlers, and the replay at start."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def register(self, application: Application) -> None:
        application.add_handler(TypeHandler(Update, self.skip_if_handled), group=FIRST)
        application.add_handler(TypeHandler(Update, self.mark_handled), group=LAST)

    async def skip_if_handled(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A redelivered update (after a restart, or a retried webhook) is dropped."""
        if already_handled(self.engine.db, update.update_id):
            logger.info("update %s was already handled; skipping it", update.update_id)
            raise ApplicationHandlerStop

    async def mark_handled(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs after the update's handler succeeded: one that failed part-way is handled
        again when it is redelivered, and the flows' own idempotency keeps that safe."""
        mark_handled(self.engine.db, update.update_id, self.engine.clock())

    async def replay_unhandled(self, application: Application) -> None:
        """Queue again the updates a previous run received but died before handling."""
        payloads = unhandled_received(self.engine.db)
        for payload in payloads:
            await application.update_queue.put(
                Update.de_json(json.loads(payload), application.bot)
            )
        if payloads:
            logger.info("handling %d updates received before a restart", len(payloads))
