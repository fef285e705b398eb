"""`policybot run`: builds the Application (the adapter, exactly-once delivery, the
per-chat ordered processor, the outbox jobs) and runs it by long polling or a webhook."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import secrets
import signal
from typing import Any
from urllib.parse import urlparse

# PTB 22.2+: durations such as RetryAfter.retry_after as timedelta now (the future default).
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import BotCommand, LinkPreviewOptions, Update  # noqa: E402
from telegram.constants import ParseMode  # noqa: E402
from telegram.error import InvalidToken, NetworkError, TelegramError  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, Defaults  # noqa: E402

from bot.flood_limit import ChatRateLimit  # noqa: E402
from bot.outbox_delivery import OutboxDelivery  # noqa: E402
from bot.rate_limiter import ChatRetryRateLimiter  # noqa: E402
from bot.redaction import REDACTOR, install_token_redaction  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.telegram import TelegramAdapter  # noqa: E402
from bot.update_processor import MAX_IN_FLIGHT, ChatOrderedUpdateProcessor  # noqa: E402
from bot.update_queue import DurableUpdateQueue, UpdateLedger  # noqa: E402
from handlers.coverage import describe as describe_coverage  # noqa: E402
from handlers.engine import Engine  # noqa: E402
from handlers.templates import render  # noqa: E402

logger = logging.getLogger(__name__)

# The shape of a token, not its length: test servers and local Bot API servers may issue
# short ones, and Telegram itself is the judge of a real token (getMe at start).
TOKEN_FORMAT = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


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


def bot_commands() -> list[BotCommand]:
    """The command menu, from templates/bot_commands.txt.j2 ("command - description")."""
    commands = []
    for line in render("bot_commands").splitlines():
        name, _, description = line.partition(" - ")
        if name.strip() and description.strip():
            commands.append(BotCommand(name.strip(), description.strip()))
    return commands


def build_application(
    token: str | None,
    engine: Engine,
    *,
    api_base_url: str | None = None,
    rate_limit: ChatRateLimit | None = None,
    download_attachments: bool = False,
    telegram_limits: bool = True,
    max_in_flight: int = MAX_IN_FLIGHT,
) -> Application:
    """The Application `policybot run` runs: the same one the end-to-end tests drive.
    `telegram_limits=False` drops the rate limiter (Telegram's own 30 messages a second)
    so a benchmark can measure what the bot itself can handle; `max_in_flight=1` handles one
    update at a time (the benchmark's baseline)."""
    token = check_token(token)
    install_token_redaction(token)
    adapter = TelegramAdapter(engine, rate_limit, download_attachments)
    ledger = UpdateLedger(engine, adapter.apologise)

    async def post_init(application: Application) -> None:
        bot = application.bot
        logger.info("running as @%s", bot.username)
        await ledger.replay_unhandled(application)
        try:
            await bot.set_my_commands(bot_commands())
        except TelegramError as error:  # optional: the bot works without the menu
            logger.warning("could not set the command menu (%s); carrying on", error)

    # Typed loosely: PTB types a builder by its rate limiter, and ours is chosen at run time.
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(token)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(post_init)
        .update_queue(DurableUpdateQueue(engine))
        .concurrent_updates(ChatOrderedUpdateProcessor(max_in_flight))
    )
    if telegram_limits:
        builder = builder.rate_limiter(ChatRetryRateLimiter(max_retries=2))
    if api_base_url:
        base_url, base_file_url = api_urls(api_base_url)
        builder = builder.base_url(base_url).base_file_url(base_file_url)
    application = builder.build()
    ledger.register(application)
    adapter.register(application)
    OutboxDelivery(engine).schedule(application)
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
