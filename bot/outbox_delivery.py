"""The two JobQueue jobs: deliver the outbox (notifications to staff and parents, files
known only by their file_id) and queue casework notices into it. Their state lives in the
database, so a restart loses nothing, and they run beside update handling, never in its way."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot.telegram_send import download_file, send_reply
from handlers.engine import Engine
from handlers.reminders import casework_tick
from handlers.replies import Reply
from storage.attachments import files_to_download, store_download
from storage.outbox import Notification, due_notifications, mark_failed, mark_sent

logger = logging.getLogger(__name__)

# How often the outbox is drained, and the longest wait between retries of one notification.
OUTBOX_INTERVAL_SECONDS = 3.0
RETRY_BASE_SECONDS = 2
MAX_RETRY_SECONDS = 3600
CASEWORK_INTERVAL_SECONDS = 60.0


class OutboxDelivery:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def schedule(self, application: Application) -> None:
        if application.job_queue is None:
            return
        application.job_queue.run_repeating(
            self.deliver_outbox, OUTBOX_INTERVAL_SECONDS, first=0.5, name="outbox"
        )
        application.job_queue.run_repeating(
            self.tick_casework, CASEWORK_INTERVAL_SECONDS, first=1.0, name="casework"
        )

    async def deliver_outbox(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send due notifications (to staff and to parents) and fetch files known only by
        their file_id."""
        db, now = self.engine.db, self.engine.clock()
        for notification in due_notifications(db, now):
            if not await self._deliver(context.bot, notification, now):
                break  # rate limited: the rest wait for the next run
        for stored in files_to_download(db):
            if stored.file_id is None:  # only files known by a file_id are fetched
                continue
            try:
                data = await download_file(context.bot, stored.file_id)
            except TelegramError as error:
                logger.warning("could not fetch file %s yet (%s)", stored.id, error)
                continue
            if not store_download(db, stored.id, data):
                logger.warning("file %s is not a picture, video or PDF: not kept", stored.id)

    async def tick_casework(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Queue due reminders, escalations, parents' updates and digests. It reads
        everything from the database and records what it sent, so rebuilding the job at
        start (the JobQueue keeps nothing) neither loses nor repeats a notice."""
        queued = casework_tick(self.engine.db, self.engine.knowledge, self.engine.clock())
        if queued:
            logger.info("queued %d casework notices", queued)

    async def _deliver(self, bot: Bot, notification: Notification, now: datetime) -> bool:
        """Send one notification and record the outcome; False when Telegram asks us to wait."""
        db = self.engine.db
        try:
            # not retried here: the outbox retries with its own backoff, recorded in the database
            await send_reply(bot, int(notification.chat_id), Reply(notification.text))
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            mark_failed(db, notification.id, str(error), now + timedelta(seconds=seconds))
            return False
        except (Forbidden, BadRequest) as error:  # blocked us, or no such chat: never retried
            logger.warning("notification %s undeliverable: %s", notification.id, error)
            mark_failed(db, notification.id, str(error), None)
        except (NetworkError, TelegramError) as error:  # 5xx, timeouts: back off and retry
            backoff = min(MAX_RETRY_SECONDS, RETRY_BASE_SECONDS * 2**notification.attempts)
            mark_failed(db, notification.id, str(error), now + timedelta(seconds=backoff))
        else:
            mark_sent(db, notification.id, now)
        return True
