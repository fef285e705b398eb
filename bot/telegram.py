"""`policybot run`: the Telegram adapter. It turns each update into one call on the core
(`Engine.handle`) and renders the replies; no policy logic and no wording live here.

With bot/telegram_*.py, the only modules that import `telegram`: bot/telegram_app.py builds
and runs the Application, bot/update_queue.py and bot/update_processor.py deliver updates,
bot/outbox_delivery.py sends notifications, bot/telegram_send.py and bot/telegram_render.py
turn replies into Bot API calls."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Any

from telegram import Bot, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.flood_limit import ChatRateLimit
from bot.telegram_render import is_section_page, keyboard, split_text, to_html
from bot.telegram_send import (
    MAX_DOWNLOAD_BYTES,
    download_file,
    retrying_passing_errors,
    send_reply,
)
from handlers import buttons
from handlers.engine import GROUP_BUTTONS, GROUP_COMMANDS, Engine
from handlers.replies import Attachment, Button, Incoming, Person, Reply
from handlers.templates import render

logger = logging.getLogger(__name__)

GROUP_CHATS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
# In a group, what the core does not allow there (handlers.engine.GROUP_COMMANDS and
# GROUP_BUTTONS) gets a link to a private chat; these three a deep link into their flow.
DEEP_LINKS = frozenset({"concern", "report", "mycases"})
_COMMAND = re.compile(
    r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<target>[A-Za-z0-9_]+))?(?P<rest>.*)$", re.DOTALL
)
_FILE_KINDS = ("animation", "document", "video", "audio", "voice", "video_note")
_OTHER_KINDS = ("sticker", "contact", "poll", "dice", "game", "story")


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
        application.add_handler(
            MessageHandler(filters.UpdateType.EDITED_MESSAGE, self.on_edited_message)
        )
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_message))
        application.add_handler(CallbackQueryHandler(self.on_button))

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
            await retrying_passing_errors(query.answer)
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

    async def apologise(self, update: Update, bot: Bot) -> None:
        """Tell the sender their update could not be handled, and how to reach the school."""
        if update.effective_chat is None:
            return
        text = render("something_went_wrong", contact=self.engine.knowledge.school.contact)
        await self._reply(bot, update.effective_chat.id, Reply(text))

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
        kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
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
        await retrying_passing_errors(lambda: send_reply(bot, chat_id, reply, quote))

    @staticmethod
    async def _edit(pressed: Message, reply: Reply) -> bool:
        """Show `reply` in place of the pressed message; False when a new message is needed."""
        chunks = split_text(reply.text)
        if len(chunks) != 1 or reply.files:
            return False
        try:
            await pressed.edit_text(to_html(chunks[0]), reply_markup=keyboard(reply.buttons))
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return True
            logger.info("could not edit message in place (%s); sending a new one", error)
            return False
        return True
