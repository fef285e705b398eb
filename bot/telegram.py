"""`policybot run`: the Telegram adapter. It turns each update into one call on the core
(`Engine.handle`) and renders the replies; no policy logic and no wording live here.

The only module (with bot/telegram_render.py) that imports `telegram`."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import os
import re
import secrets
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

# PTB 22.2+: durations such as RetryAfter.retry_after as timedelta now (the future default).
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import (  # noqa: E402
    Bot,
    BotCommand,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.settings import Settings
from bot.telegram_render import is_section_page, keyboard, split_text, to_html
from handlers import buttons
from handlers.coverage import describe as describe_coverage
from handlers.engine import Engine
from handlers.reminders import casework_tick
from handlers.replies import Attachment, Button, Incoming, Person, Reply
from handlers.templates import render
from storage.attachments import files_to_download, store_download
from storage.outbox import Notification, due_notifications, mark_failed, mark_sent
from storage.updates import already_handled, keep_received, mark_handled, unhandled_received

logger = logging.getLogger(__name__)

# The shape of a token, not its length: test servers and local Bot API servers may issue
# short ones, and Telegram itself is the judge of a real token (getMe at start).
TOKEN_FORMAT = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
GROUP_CHATS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
# What a group may use: asking about the policy. Every other command or button (concerns,
# reports, cases, any flow's steps) shows or collects personal data, so in a group it gets a
# link to a private chat instead; these three get a deep link straight into their flow.
GROUP_COMMANDS = frozenset({"start", "help", "policy", "privacy"})
GROUP_BUTTONS = frozenset({"menu", "policy", "ask", "sec", "contact", "fb"})
DEEP_LINKS = frozenset({"concern", "report", "mycases"})
# How often the outbox is drained, and the longest wait between retries of one notification.
OUTBOX_INTERVAL_SECONDS = 3.0
RETRY_BASE_SECONDS = 2
CASEWORK_INTERVAL_SECONDS = 60.0
# A reply or acknowledgement failing for a passing reason (5xx, dropped connection) is tried
# this often in all.
REPLY_ATTEMPTS = 3
REPLY_RETRY_SECONDS = 0.5
# Handler groups around the adapter's own (group 0): de-duplication first, bookkeeping last.
FIRST, LAST = -1, 1
MAX_RETRY_SECONDS = 3600
# Files the Bot API lets a bot download (its cloud servers stop at 20 MB).
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_COMMAND = re.compile(
    r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<target>[A-Za-z0-9_]+))?(?P<rest>.*)$", re.DOTALL
)
_FILE_KINDS = ("animation", "document", "video", "audio", "voice", "video_note")
_OTHER_KINDS = ("sticker", "contact", "poll", "dice", "game", "story")


class TelegramConfigError(ValueError):
    """The token or the Bot API address is missing or wrong: reported in one line."""


def check_token(token: str | None) -> str:
    """The token, stripped, or a one-line error that never repeats the token itself."""
    token = (token or "").strip()
    if not token:
        raise TelegramConfigError(
            "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put it in .env"
        )
    if not TOKEN_FORMAT.match(token):
        raise TelegramConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters, "
            "digits, '_' or '-'); copy it again from @BotFather"
        )
    return token


def api_urls(root: str) -> tuple[str, str]:
    """PTB's base_url and base_file_url for the root of a Bot API server."""
    root = root.strip().rstrip("/")
    parsed = urlparse(root)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise TelegramConfigError(
            f"TELEGRAM_API_BASE_URL must be an http(s) address such as http://127.0.0.1:8081, "
            f"not {root!r}"
        )
    return f"{root}/bot", f"{root}/file/bot"


# -- logging: the token never reaches a log ---------------------------------------------------
class TokenRedactor(logging.Filter):
    """Rewrites a log record so that no registered secret appears in its message, arguments
    or traceback. Installed through the log record factory, so it sees every record of every
    logger (httpx logs request URLs, and the URL holds the token)."""

    MASK = "[REDACTED]"

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, self.MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = TokenRedactor()
_factory_installed = False


def install_token_redaction(token: str) -> None:
    """Redact `token` from every log record from now on; also quiet httpx, which logs each
    request's URL at INFO."""
    global _factory_installed
    REDACTOR.secrets.add(token)
    if not _factory_installed:
        make_record = logging.getLogRecordFactory()

        def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            REDACTOR.filter(record)
            return record

        logging.setLogRecordFactory(redacting_factory)
        _factory_installed = True
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


# -- a polite per-chat limit ------------------------------------------------------------------
@dataclass
class ChatRateLimit:
    """About `per_second` messages a second per chat, with a small burst. Over the limit the
    chat is told once to slow down; later messages are dropped quietly until it recovers."""

    per_second: float = 1.0
    burst: int = 3
    _chats: dict[int, tuple[float, float, bool]] = field(default_factory=dict)

    def check(self, chat_id: int, now: float | None = None) -> str:
        """ "ok" to go ahead, "warn" to say slow down (once), "drop" to ignore."""
        now = time.monotonic() if now is None else now
        tokens, stamp, warned = self._chats.get(chat_id, (float(self.burst), now, False))
        tokens = min(float(self.burst), tokens + (now - stamp) * self.per_second)
        if tokens >= 1:
            verdict, tokens, warned = "ok", tokens - 1, False
        else:
            verdict, warned = ("drop" if warned else "warn"), True
        self._chats[chat_id] = (tokens, now, warned)
        if len(self._chats) > 10_000:  # forget chats that have long recovered
            self._chats = {k: v for k, v in self._chats.items() if now - v[1] < 60}
        return verdict


def bot_commands() -> list[BotCommand]:
    """The command menu, from templates/bot_commands.txt.j2 ("command - description")."""
    commands = []
    for line in render("bot_commands").splitlines():
        name, _, description = line.partition(" - ")
        if name.strip() and description.strip():
            commands.append(BotCommand(name.strip(), description.strip()))
    return commands


async def download_file(bot: Bot, file_id: str, max_bytes: int = MAX_DOWNLOAD_BYTES) -> bytes:
    """A sent file's bytes: getFile, then a GET on the Bot API's file URL."""
    telegram_file = await bot.get_file(file_id)
    if telegram_file.file_size and telegram_file.file_size > max_bytes:
        raise ValueError(f"file is {telegram_file.file_size} bytes, over {max_bytes}")
    return bytes(await telegram_file.download_as_bytearray())


@dataclass(frozen=True)
class _Command:
    name: str
    target: str | None
    rest: str


def _parse_command(text: str | None) -> _Command | None:
    found = _COMMAND.match(text or "")
    if not found:
        return None
    return _Command(found["name"].lower(), found["target"], found["rest"])


def _media(message: Message) -> tuple[str, tuple[Attachment, ...]] | None:
    """What kind of non-text message this is, with its files; None for service messages."""
    if message.photo:
        largest = message.photo[-1]
        return "photo", (
            Attachment("photo", largest.file_id, None, "image/jpeg", largest.file_size),
        )
    for kind in _FILE_KINDS:  # animation first: a GIF also carries a document
        sent = getattr(message, kind)
        if sent:
            return kind, (
                Attachment(
                    kind,
                    sent.file_id,
                    getattr(sent, "file_name", None),
                    getattr(sent, "mime_type", None),
                    sent.file_size,
                ),
            )
    if message.location or message.venue:
        return "location", ()
    for kind in _OTHER_KINDS:
        if getattr(message, kind, None):
            return kind, ()
    return None


async def _retrying_passing_errors(call: Callable[[], Awaitable[object]]) -> None:
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


class DurableUpdateQueue(asyncio.Queue):
    """The Application's update queue, written through to the database. PTB's updater
    confirms a batch to Telegram before handling it (and a webhook answers before the update
    is handled), so without this a crash loses whatever was waiting; with it, those updates
    are handled after the restart (TelegramAdapter.replay_unhandled)."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self._engine = engine

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            keep_received(
                self._engine.db, item.update_id, json.dumps(item.to_dict()), self._engine.clock()
            )
        await super().put(item)


class TelegramAdapter:
    """A handful of PTB handlers feeding one Engine."""

    def __init__(
        self,
        engine: Engine,
        rate_limit: ChatRateLimit | None = None,
        download_attachments: bool = False,
    ) -> None:
        self.engine = engine
        self.rate_limit = rate_limit or ChatRateLimit()
        self.download_attachments = download_attachments

    def register(self, application: Application) -> None:
        application.add_handler(TypeHandler(Update, self.skip_if_handled), group=FIRST)
        application.add_handler(TypeHandler(Update, self.mark_handled), group=LAST)
        application.add_handler(
            MessageHandler(filters.UpdateType.EDITED_MESSAGE, self.on_edited_message)
        )
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_message))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_error_handler(self.on_error)

    # -- at-least-once delivery, exactly-once effects ----------------------------------------
    async def skip_if_handled(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A redelivered update (after a restart, or a retried webhook) is dropped."""
        if already_handled(self.engine.db, update.update_id):
            logger.info("update %s was already handled; skipping it", update.update_id)
            raise ApplicationHandlerStop

    async def mark_handled(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs after the update's handler succeeded: one that failed part-way is handled
        again when it is redelivered, and the flows' own idempotency keeps that safe."""
        mark_handled(self.engine.db, update.update_id, self.engine.clock())

    # -- set-up -------------------------------------------------------------------------------
    async def post_init(self, application: Application) -> None:
        bot = application.bot
        logger.info("running as @%s", bot.username)
        await self.replay_unhandled(application)
        try:
            await bot.set_my_commands(bot_commands())
        except TelegramError as error:  # optional: the bot works without the menu
            logger.warning("could not set the command menu (%s); carrying on", error)

    async def replay_unhandled(self, application: Application) -> None:
        """Queue again the updates a previous run received but died before handling."""
        payloads = unhandled_received(self.engine.db)
        for payload in payloads:
            await application.update_queue.put(
                Update.de_json(json.loads(payload), application.bot)
            )
        if payloads:
            logger.info("handling %d updates received before a restart", len(payloads))

    # -- updates ------------------------------------------------------------------------------
    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat, user = update.message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None or user.is_bot:
            return
        bot = context.bot
        command = _parse_command(message.text)
        if command and command.target and command.target.lower() != (bot.username or "").lower():
            return  # /help@another_bot
        group = chat.type in GROUP_CHATS
        if chat.type == ChatType.CHANNEL or (group and not self._addressed(message, bot, command)):
            return
        incoming = self._incoming(message, bot, command, chat.type)
        if incoming is None or not await self._admit(bot, chat.id):
            return
        quote = message.message_id if group else None
        if group and command and command.name not in GROUP_COMMANDS:
            await self._reply(bot, chat.id, self._private_chat_link(bot, command.name), quote)
            return
        if self.download_attachments and incoming.attachments:
            attachments = tuple([await self._with_data(bot, a) for a in incoming.attachments])
            incoming = replace(incoming, attachments=attachments)
        for reply in self.engine.handle(self._person(user), incoming):
            await self._reply(bot, chat.id, reply, quote)

    async def on_edited_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.edited_message, update.effective_user
        if message is None or user is None or message.chat.type != ChatType.PRIVATE:
            return  # in a group, an edit is none of our business
        if not await self._admit(context.bot, message.chat.id):
            return
        incoming = Incoming(media="edited", extra={"chat_type": message.chat.type})
        for reply in self.engine.handle(self._person(user), incoming):
            await self._reply(context.bot, message.chat.id, reply)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            # stops the button's spinner; the press goes ahead whatever happens here
            await _retrying_passing_errors(query.answer)
        except TelegramError as error:
            logger.info(
                "could not answer callback query of update %s: %s", update.update_id, error
            )
        chat, bot = update.effective_chat, context.bot
        if chat is None or not await self._admit(bot, chat.id):
            return
        press = buttons.decode(query.data if isinstance(query.data, str) else None)
        if chat.type in GROUP_CHATS and press and press.action not in GROUP_BUTTONS:
            await self._reply(bot, chat.id, self._private_chat_link(bot, press.action))
            return
        incoming = Incoming(
            button=query.data if isinstance(query.data, str) else "",
            extra={"chat_type": chat.type},
        )
        replies = self.engine.handle(self._person(query.from_user), incoming)
        pressed = query.message if isinstance(query.message, Message) else None
        if (
            press
            and press.action == "sec"
            and pressed
            and len(replies) == 1
            and is_section_page(pressed.reply_markup, press.args[0])
            and await self._edit(pressed, replies[0])
        ):
            return
        for reply in replies:
            await self._reply(bot, chat.id, reply)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("update %s failed", update_id, exc_info=context.error)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            return
        try:
            text = render("something_went_wrong", contact=self.engine.knowledge.school.contact)
            await self._reply(context.bot, chat.id, Reply(text))
        except Exception:  # the error handler itself must never raise
            logger.warning("could not tell chat of update %s about the error", update_id)

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _person(user: Any) -> Person:
        return Person(id=f"tg:{user.id}", role="parent", name=user.first_name)

    @staticmethod
    def _addressed(message: Message, bot: Bot, command: _Command | None) -> bool:
        """In a group: a command (not for another bot), a mention, or a reply to us."""
        if command is not None:
            return True
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == bot.id:
            return True
        kinds = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
        mentions = {**message.parse_entities(kinds), **message.parse_caption_entities(kinds)}
        me = f"@{bot.username}".lower()
        return any(
            (entity.type == MessageEntity.MENTION and value.lower() == me)
            or (
                entity.type == MessageEntity.TEXT_MENTION
                and entity.user is not None
                and entity.user.id == bot.id
            )
            for entity, value in mentions.items()
        )

    @staticmethod
    def _without_mention(text: str | None, bot: Bot) -> str | None:
        if text is None or not bot.username:
            return text
        stripped = re.sub(rf"(?<!\w)@{re.escape(bot.username)}\b", " ", text, flags=re.IGNORECASE)
        return re.sub(r"^[\s,:;.-]+", "", stripped).strip() if stripped != text else text

    def _incoming(
        self, message: Message, bot: Bot, command: _Command | None, chat_type: str
    ) -> Incoming | None:
        extra = {"chat_type": chat_type}
        if message.forward_origin is not None:
            extra["forwarded"] = "yes"
        if command is not None:  # "/start@policy_bot concern" -> "/start concern"
            rest = "" if chat_type in GROUP_CHATS else command.rest  # no deep links in groups
            return Incoming(text=f"/{command.name}{rest}", extra=extra)
        if message.text is not None:
            return Incoming(text=self._without_mention(message.text, bot), extra=extra)
        media = _media(message)
        if media is None:
            return None
        kind, attachments = media
        return Incoming(
            text=self._without_mention(message.caption, bot),
            media=kind,
            attachments=attachments,
            extra=extra,
        )

    @staticmethod
    async def _with_data(bot: Bot, attachment: Attachment) -> Attachment:
        if attachment.size and attachment.size > MAX_DOWNLOAD_BYTES:
            return attachment
        data = await download_file(bot, attachment.file_id)
        return Attachment(
            attachment.kind,
            attachment.file_id,
            attachment.file_name,
            attachment.mime_type,
            attachment.size,
            data,
        )

    async def _admit(self, bot: Bot, chat_id: int) -> bool:
        verdict = self.rate_limit.check(chat_id)
        if verdict == "warn":
            await self._reply(bot, chat_id, Reply(render("slow_down")))
        return verdict == "ok"

    @staticmethod
    def _private_chat_link(bot: Bot, flow: str) -> Reply:
        """A link button that opens a private chat, straight into `flow` where it can."""
        url = f"https://t.me/{bot.username}"
        if flow in DEEP_LINKS:
            url += f"?start={flow}"
        return Reply(
            render("private_chat_only", flow=flow),
            (Button(render("private_chat_button"), "", url=url),),
        )

    async def _reply(self, bot: Bot, chat_id: int, reply: Reply, quote: int | None = None) -> None:
        """Send a reply to what someone just did. The step behind it is already saved, so a
        passing failure is retried rather than leaving them without the reply's buttons."""
        await _retrying_passing_errors(lambda: self._send(bot, chat_id, reply, quote))

    async def _send(self, bot: Bot, chat_id: int, reply: Reply, quote: int | None = None) -> None:
        """Send one reply: its text in chunks under Telegram's limit, the keyboard on the
        last chunk, then any files it carries."""
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
            await self._send_file(bot, chat_id, attachment)

    # -- the outbox --------------------------------------------------------------------------
    async def deliver_outbox(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """JobQueue job: send due notifications (to staff and to parents) and fetch files
        known only by their file_id. State lives in the database, so a restart loses nothing
        and nothing here blocks other users' updates."""
        db, now = self.engine.db, self.engine.clock()
        for notification in due_notifications(db, now):
            if not await self._deliver(context.bot, notification, now):
                break  # rate limited: the rest wait for the next run
        for stored in files_to_download(db):
            try:
                store_download(db, stored.id, await download_file(context.bot, stored.file_id))
            except TelegramError as error:
                logger.warning("could not fetch file %s yet (%s)", stored.id, error)

    async def tick_casework(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """JobQueue job: queue due reminders, escalations, parents' updates and digests. It
        reads everything from the database and records what it sent, so rebuilding the job
        at start (the JobQueue keeps nothing) neither loses nor repeats a notice."""
        queued = casework_tick(self.engine.db, self.engine.knowledge, self.engine.clock())
        if queued:
            logger.info("queued %d casework notices", queued)

    async def _deliver(self, bot: Bot, notification: Notification, now: datetime) -> bool:
        """Send one notification and record the outcome; False when Telegram asks us to wait."""
        db = self.engine.db
        try:
            # not _reply: the outbox retries with its own backoff, recorded in the database
            await self._send(bot, int(notification.chat_id), Reply(notification.text))
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

    @staticmethod
    async def _send_file(bot: Bot, chat_id: int, attachment: Any) -> None:
        content = attachment.data if attachment.data is not None else attachment.file_id
        if attachment.kind == "photo":
            await bot.send_photo(chat_id, content)
        else:
            await bot.send_document(chat_id, content, filename=attachment.file_name)

    @staticmethod
    async def _edit(pressed: Message, reply: Reply) -> bool:
        """Show `reply` in place of the pressed message; False when a new message is needed."""
        chunks = split_text(reply.text)
        if len(chunks) != 1 or getattr(reply, "files", ()):
            return False
        try:
            await pressed.edit_text(to_html(chunks[0]), reply_markup=keyboard(reply.buttons))
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return True
            logger.info("could not edit message in place (%s); sending a new one", error)
            return False
        return True


def build_application(
    token: str | None,
    engine: Engine,
    *,
    api_base_url: str | None = None,
    rate_limit: ChatRateLimit | None = None,
    download_attachments: bool = False,
    telegram_limits: bool = True,
) -> Application:
    """The Application `policybot run` runs: the same one the end-to-end tests drive.
    `telegram_limits=False` drops PTB's AIORateLimiter (Telegram's own 30 messages a second)
    so a benchmark can measure what the bot itself can handle."""
    token = check_token(token)
    install_token_redaction(token)
    adapter = TelegramAdapter(engine, rate_limit, download_attachments)
    builder = (
        ApplicationBuilder()
        .token(token)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(adapter.post_init)
        .update_queue(DurableUpdateQueue(engine))
    )
    if telegram_limits:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=2))
    if api_base_url:
        base_url, base_file_url = api_urls(api_base_url)
        builder = builder.base_url(base_url).base_file_url(base_file_url)
    application = builder.build()
    adapter.register(application)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            adapter.deliver_outbox, OUTBOX_INTERVAL_SECONDS, first=0.5, name="outbox"
        )
        application.job_queue.run_repeating(
            adapter.tick_casework, CASEWORK_INTERVAL_SECONDS, first=1.0, name="casework"
        )
    return application


def configure_logging() -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def run_bot(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8443,
) -> int:
    """Run until SIGINT or SIGTERM: long polling, or a webhook when `webhook_url` is given."""
    secret = settings.telegram_bot_token
    token = check_token(secret.get_secret_value() if secret else None)
    if settings.telegram_api_base_url:
        api_urls(settings.telegram_api_base_url)  # fail fast, in one line
    if webhook_url:
        if urlparse(webhook_url).scheme not in ("http", "https"):
            raise TelegramConfigError(f"--webhook-url must be an https URL, not {webhook_url!r}")
        if importlib.util.find_spec("tornado") is None:
            raise TelegramConfigError(
                "webhook mode needs python-telegram-bot's webhooks extra: "
                "pip install -e '.[webhook]' (or use long polling: leave out --webhook-url)"
            )
    configure_logging()
    install_token_redaction(token)

    from storage.db import open_database

    engine = Engine(settings.load_knowledge(), open_database(settings.db_path))
    if unreached := describe_coverage(engine.db, engine.knowledge.school.casework):
        logger.warning("%s", " ".join(unreached.split()))  # nobody left unalerted unawares
    application = build_application(token, engine, api_base_url=settings.telegram_api_base_url)
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    try:
        if webhook_url:
            webhook_secret = settings.telegram_webhook_secret
            application.run_webhook(
                listen=listen,
                port=port,
                url_path=urlparse(webhook_url).path.lstrip("/"),
                webhook_url=webhook_url,
                allowed_updates=ALLOWED_UPDATES,
                secret_token=webhook_secret.get_secret_value()
                if webhook_secret
                else secrets.token_urlsafe(32),
                stop_signals=stop_signals,
            )
        else:
            application.run_polling(allowed_updates=ALLOWED_UPDATES, stop_signals=stop_signals)
    except InvalidToken:
        raise TelegramConfigError(
            "Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped?): check it with @BotFather"
        ) from None
    except NetworkError as error:
        where = settings.telegram_api_base_url or "api.telegram.org"
        raise TelegramConfigError(
            f"could not reach the Bot API at {where}: {REDACTOR.redact(str(error))}"
        ) from None
    return 0
