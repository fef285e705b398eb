"""A small fake Telegram Bot API server for end-to-end tests: real HTTP on 127.0.0.1, the
methods the bot uses with Telegram's semantics, and a driver API to play users.

    server = FakeBotApi(token)            # started; server.url is the Bot API root
    server.push_message(42, "/start")     # a user sends something
    calls = await server.wait_for_calls("sendMessage", 1)
    calls[0].params["text"]               # exactly what the bot sent

Requests go to `<root>/bot<token>/<method>`, files to `<root>/file/bot<token>/<path>`, as on
Telegram's own local Bot API server. Bodies may be JSON, form-encoded or multipart (PTB sends
forms, with objects such as reply_markup JSON-encoded inside). Answers are
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": ..., "description": ...}`.

`FakeBotApi(token, delay=0.15)` answers every call after 150 ms, as a round trip to Telegram
takes; `slow_chat(chat_id, seconds)` makes sends to one chat slower still. Once the bot calls
setWebhook, updates are POSTed to its webhook (with the secret token) instead of waiting for
getUpdates, and one the webhook does not take with a 200 is delivered again, as Telegram does.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import random
import re
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from email import policy as email_policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

MESSAGE_LIMIT = 4096
ALL_UPDATE_TYPES = ("message", "edited_message", "callback_query")
# Params that stay strings even when they look like JSON (a user could type "123").
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "file_id",
        "parse_mode",
        "url",
        "secret_token",
        "filename",
        "inline_message_id",
    }
)
_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z-]*)([^<>]*)>")
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}")
_BOT_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str | None, bytes]] = field(default_factory=dict)
    response: Any = None  # the result returned, e.g. the sent Message
    at: float = field(default_factory=time.monotonic)  # when the request arrived
    answered_at: float | None = None  # when it took effect (after the round trip's delay)

    @property
    def text(self) -> str | None:
        return self.params.get("text")

    @property
    def buttons(self) -> list[dict]:
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    @property
    def rows(self) -> list[list[dict]]:
        return (self.params.get("reply_markup") or {}).get("inline_keyboard", [])


@dataclass
class _Failure:
    status: int
    description: str
    drop: bool
    times: int | None


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str) -> list[dict]:
    """The entities Telegram would attach: a leading bot command and @mentions."""
    found = []
    command = _COMMAND.match(text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": utf16_len(command[0])})
    for mention in _MENTION.finditer(text):
        found.append(
            {
                "type": "mention",
                "offset": utf16_len(text[: mention.start()]),
                "length": utf16_len(mention[0]),
            }
        )
    return found


def parse_html(text: str) -> str:
    """The visible text of an HTML-mode message, or ApiError as Telegram gives it."""
    visible, stack, position = [], [], 0
    for tag in _TAG.finditer(text):
        visible.append(text[position : tag.start()])
        position = tag.end()
        closing, name = tag[1] == "/", tag[2].lower()
        if name not in _HTML_TAGS:
            raise ApiError(
                400,
                f"Bad Request: can't parse entities: Unsupported start tag "
                f'"{name}" at byte offset {len(text[: tag.start()].encode())}',
            )
        if closing:
            if not stack or stack.pop() != name:
                raise ApiError(
                    400,
                    "Bad Request: can't parse entities: Unmatched end tag at "
                    f"byte offset {len(text[: tag.start()].encode())}",
                )
        else:
            stack.append(name)
    visible.append(text[position:])
    if stack:
        raise ApiError(
            400,
            "Bad Request: can't parse entities: Can't find end tag "
            f'corresponding to start tag "{stack[-1]}"',
        )
    plain = "".join(visible)
    stray = re.search(r"[<>]|&(?!(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);)", plain)
    if stray:  # Telegram: every <, > and & outside a tag or entity must be escaped
        raise ApiError(
            400,
            "Bad Request: can't parse entities: Unexpected "
            f"{stray[0]!r} in the text (not escaped?)",
        )
    return html.unescape(plain)


def _check_keyboard(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        raise ApiError(400, "Bad Request: object expected as reply markup")
    for row in markup["inline_keyboard"]:
        for button in row:
            if not str(button.get("text", "")).strip():
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            kinds = [k for k in ("callback_data", "url") if k in button]
            if len(kinds) != 1:
                raise ApiError(400, "Bad Request: BUTTON_TYPE_INVALID")
            if (
                "callback_data" in button
                and not 1 <= len(str(button["callback_data"]).encode()) <= 64
            ):
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if "url" in button and not re.match(r"^(https?|tg)://", str(button["url"])):
                raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")


class _Server(ThreadingHTTPServer):
    # A bot with many chats in hand opens dozens of connections at once: with the default
    # listen backlog of 5 the rest wait out a dropped SYN (a second or more), which no real
    # Bot API server makes them do.
    request_queue_size = 256


class FakeBotApi:
    """The server and the driver. Thread-safe: HTTP requests arrive on server threads while
    the test (and the bot) run in the event loop."""

    def __init__(
        self,
        token: str,
        *,
        bot_id: int = 777000111,
        username: str = "policy_test_bot",
        delay: float = 0.0,
    ) -> None:
        self.token = token
        self.delay = delay  # seconds each call takes, as a network round trip would
        self.chat_delays: dict[int, float] = {}
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Policy helper",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self._lock = threading.Condition()
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self.chats: dict[int, dict] = {}
        self.messages: dict[tuple[int, int], dict] = {}
        self.queries: dict[str, bool] = {}  # callback query id -> answered
        self.files: dict[str, tuple[dict, bytes]] = {}
        self.calls_log: list[Call] = []
        self.handed_over: dict[int, float] = {}  # update_id -> first returned by getUpdates
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_posts: list[tuple[int, int]] = []  # (update_id, HTTP status) per POST
        self._webhook_thread: threading.Thread | None = None
        self.allowed_updates: list[str] = list(ALL_UPDATE_TYPES)
        self.failures: dict[str, _Failure] = {}
        self._chaos: tuple[float, frozenset[str], tuple[str, ...], random.Random] | None = None
        self.injected: Counter[tuple[str, str]] = Counter()  # (method, kind) -> faults
        self._poll_generation = 0
        self._stopping = False
        self._http = _Server(("127.0.0.1", 0), self._handler_class())
        self._http.daemon_threads = True
        self._thread = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-bot-api",
            daemon=True,
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)
        if self._webhook_thread is not None:
            self._webhook_thread.join(timeout=5)

    def __enter__(self) -> FakeBotApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- driver: play users ---------------------------------------------------------------
    def _chat(self, user: dict, chat_type: str, chat_id: int | None) -> dict:
        if chat_type == "private":
            chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        else:
            chat_id = chat_id if chat_id is not None else -1001
            chat = {"id": chat_id, "type": chat_type, "title": f"Test {chat_type} {chat_id}"}
        self.chats[chat["id"]] = chat
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _queue(self, kind: str, payload: dict) -> dict:
        with self._lock:
            update = {"update_id": next(self._update_ids), kind: payload}
            self._updates.append(update)
            self._lock.notify_all()
        return update

    def _user_message(
        self,
        user_id: int,
        chat_type: str,
        chat_id: int | None,
        first_name: str,
        reply_to: int | None,
        **content: Any,
    ) -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}
        with self._lock:
            chat = self._chat(user, chat_type, chat_id)
            message = {
                "message_id": self._next_message_id(chat["id"]),
                "date": int(time.time()),
                "chat": chat,
                "from": user,
                **content,
            }
            if reply_to is not None:
                message["reply_to_message"] = self.messages[(chat["id"], reply_to)]
            self.messages[(chat["id"], message["message_id"])] = message
        return message

    def push_message(
        self,
        user_id: int,
        text: str,
        chat_type: str = "private",
        *,
        chat_id: int | None = None,
        first_name: str = "Sam",
        reply_to: int | None = None,
        forwarded: bool = False,
    ) -> dict:
        """A user sends `text`; returns the queued update."""
        content: dict[str, Any] = {"text": text}
        if entities := _entities(text):
            content["entities"] = entities
        if forwarded:
            content["forward_origin"] = {
                "type": "hidden_user",
                "date": int(time.time()) - 60,
                "sender_user_name": "Another parent",
            }
        message = self._user_message(user_id, chat_type, chat_id, first_name, reply_to, **content)
        return self._queue("message", message)

    def redeliver(self, update: dict) -> None:
        """Queue an update again with its own update_id, as Telegram does when the bot did
        not confirm it (a restart) or a webhook call failed."""
        with self._lock:
            self._updates.append(update)
            self._lock.notify_all()

    def push_media(
        self,
        user_id: int,
        kind: str,
        payload: Any,
        chat_type: str = "private",
        *,
        chat_id: int | None = None,
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> dict:
        """A user sends a sticker, photo, location...: `payload` is the Bot API object."""
        content: dict[str, Any] = {kind: payload}
        if caption is not None:
            content["caption"] = caption
            if entities := _entities(caption):
                content["caption_entities"] = entities
        message = self._user_message(user_id, chat_type, chat_id, "Sam", reply_to, **content)
        return self._queue("message", message)

    def push_sticker(self, user_id: int, chat_type: str = "private", **kwargs: Any) -> dict:
        sticker = {
            "file_id": "CAACAgQAAxkBAAIBsticker",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self.push_media(user_id, "sticker", sticker, chat_type, **kwargs)

    def add_file(
        self, content: bytes, file_name: str | None = None, mime_type: str | None = None
    ) -> dict:
        """Store a file as if a user had uploaded it; returns its Document-shaped object."""
        with self._lock:
            number = next(self._file_ids)
            info = {
                "file_id": f"BQACAgfile{number:04d}",
                "file_unique_id": f"AgADf{number:04d}",
                "file_size": len(content),
            }
            if file_name:
                info["file_name"] = file_name
            if mime_type:
                info["mime_type"] = mime_type
            self.files[info["file_id"]] = (info, content)
        return info

    def push_document(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        mime_type: str = "application/octet-stream",
        **kwargs: Any,
    ) -> dict:
        return self.push_media(
            user_id, "document", self.add_file(content, file_name, mime_type), **kwargs
        )

    def push_photo(self, user_id: int, content: bytes, **kwargs: Any) -> dict:
        info = self.add_file(content)
        sizes = [{**info, "width": 90, "height": 60}, {**info, "width": 1280, "height": 853}]
        return self.push_media(user_id, "photo", sizes, **kwargs)

    def push_edited(
        self,
        user_id: int,
        message_id: int,
        text: str,
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> dict:
        with self._lock:
            chat_key = user_id if chat_type == "private" else chat_id
            message = dict(self.messages[(chat_key, message_id)])
            message.update(text=text, edit_date=int(time.time()))
            self.messages[(chat_key, message_id)] = message
        return self._queue("edited_message", message)

    def push_callback(
        self, user_id: int, data: str, message_id: int, chat_id: int | None = None
    ) -> str:
        """A user presses a button with `data` under the bot's message `message_id`; returns
        the callback query id (see `queries` for whether the bot answered it)."""
        with self._lock:
            chat_id = user_id if chat_id is None else chat_id
            message = self.messages[(chat_id, message_id)]
            query_id = f"{next(self._query_ids)}{user_id}"
            self.queries[query_id] = False
            query = {
                "id": query_id,
                "chat_instance": f"ci{chat_id}",
                "data": data,
                "from": {"id": user_id, "is_bot": False, "first_name": "Sam"},
                "message": message,
            }
        self._queue("callback_query", query)
        return query_id

    def bot_message(self, user_id: int, text: str, buttons: list[dict]) -> dict:
        """A message the bot sent earlier in `user_id`'s private chat, with a row of inline
        `buttons`, for a test to press (say, a summary left waiting before a restart)."""
        user = {"id": user_id, "is_bot": False, "first_name": "Sam"}
        with self._lock:
            chat = self._chat(user, "private", None)
            markup = {"inline_keyboard": [buttons]}
            return self._bot_message(chat, {"reply_markup": markup}, text=text)

    def slow_chat(self, chat_id: int, seconds: float) -> None:
        """Sends to `chat_id` take `seconds` longer (a slow or failing route to one chat)."""
        self.chat_delays[chat_id] = seconds

    def fail(
        self,
        method: str,
        status: int = 500,
        description: str = "Internal Server Error",
        *,
        drop: bool = False,
        times: int | None = None,
    ) -> None:
        """Make `method` fail: with an error answer, or (`drop`) by closing the connection."""
        self.failures[method] = _Failure(status, description, drop, times)

    def chaos(
        self,
        rate: float,
        methods: tuple[str, ...] = ("sendMessage", "getUpdates", "answerCallbackQuery"),
        kinds: tuple[str, ...] = ("429", "500", "drop"),
        seed: int | None = None,
    ) -> None:
        """Fail each call of `methods` with probability `rate`, with a random one of `kinds`
        ("429" with retry_after, "500", or "drop": the connection closed unanswered); every
        fault is counted in `injected`. `chaos(0)` stops."""
        self._chaos = (
            (rate, frozenset(methods), tuple(kinds), random.Random(seed)) if rate else None
        )

    def _random_failure(self, method: str) -> _Failure | None:
        with self._lock:
            if self._chaos is None:
                return None
            rate, methods, kinds, rng = self._chaos
            if method not in methods or rng.random() >= rate:
                return None
            kind = rng.choice(kinds)
            self.injected[(method, kind)] += 1
        if kind == "429":
            return _Failure(429, "Too Many Requests: retry after 1", False, None)
        if kind == "drop":
            return _Failure(0, "connection dropped", True, None)
        return _Failure(500, "Internal Server Error", False, None)

    # -- driver: what the bot did ---------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls_log if method is None or c.method == method]

    async def wait_for_calls(
        self,
        method: str,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        answered: bool = True,
    ) -> list[Call]:
        """All calls of `method` once at least `count` have been answered (or, with
        `answered=False`, have arrived); AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls(method)
            done = found if not answered else [c for c in found if c.answered_at is not None]
            if len(done) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [
                    (c.method, c.params.get("text", "")[:60])
                    for c in self.calls()
                    if c.method != "getUpdates"
                ]
                raise AssertionError(
                    f"expected {count} {method} call(s), got {len(found)}; calls so far: {seen}"
                )
            await asyncio.sleep(0.01)

    def wait_for_calls_sync(self, method: str, count: int, timeout: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(self.calls(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} {method} call(s)")
            time.sleep(0.01)
        return self.calls(method)

    # -- the Bot API ----------------------------------------------------------------------
    def _dispatch(self, method: str, params: dict, files: dict) -> Any:
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        return handler(params, files)

    def _api_getMe(self, params: dict, files: dict) -> dict:
        return self.bot_user

    def _api_deleteWebhook(self, params: dict, files: dict) -> bool:
        with self._lock:
            self.webhook_url = ""
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _api_setWebhook(self, params: dict, files: dict) -> bool:
        with self._lock:
            self.webhook_url = params.get("url", "")
            self.webhook_secret = params.get("secret_token")
            if params.get("allowed_updates") is not None:
                self.allowed_updates = list(params["allowed_updates"]) or list(ALL_UPDATE_TYPES)
            if params.get("drop_pending_updates"):
                self._updates.clear()
            if self.webhook_url and self._webhook_thread is None:
                self._webhook_thread = threading.Thread(
                    target=self._deliver_to_webhook, name="fake-webhook", daemon=True
                )
                self._webhook_thread.start()
        return True

    def _deliver_to_webhook(self) -> None:
        """Telegram's side of a webhook: POST each update in order until one is taken with a
        200; a refused or failed call is made again shortly."""
        while True:
            with self._lock:
                while not self._stopping and not (self.webhook_url and self._updates):
                    self._lock.wait(0.1)
                if self._stopping:
                    return
                update, url, secret = self._updates[0], self.webhook_url, self.webhook_secret
            request = urllib.request.Request(
                url,
                data=json.dumps(update).encode(),
                headers={"Content-Type": "application/json"},
            )
            if secret:
                request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    status = answer.status
            except urllib.error.HTTPError as error:
                status = error.code
                error.close()
            except OSError:  # the bot is not listening (yet, or any more)
                status = 0
            with self._lock:
                self.webhook_posts.append((update["update_id"], status))
                if status == 200 and self._updates and self._updates[0] is update:
                    self._updates.pop(0)
                    self.handed_over.setdefault(update["update_id"], time.monotonic())
            if status != 200:
                time.sleep(0.2)

    def _api_setMyCommands(self, params: dict, files: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list")
        for command in commands:
            if not _BOT_COMMAND_NAME.match(command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands = commands
        return True

    def _api_getUpdates(self, params: dict, files: dict) -> list[dict]:
        offset = params.get("offset") or 0
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        with self._lock:
            if self.webhook_url:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is "
                    "active; use deleteWebhook to delete the webhook first",
                )
            self._poll_generation += 1
            generation = self._poll_generation
            self._lock.notify_all()  # an older long poll ends with a conflict
            if params.get("allowed_updates") is not None:
                self.allowed_updates = list(params["allowed_updates"]) or list(ALL_UPDATE_TYPES)
            if offset > 0:  # confirms every update before it
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            deadline = time.monotonic() + timeout
            while True:
                self._updates = [
                    u for u in self._updates if any(k in u for k in self.allowed_updates)
                ]
                if self._updates or self._stopping:
                    batch = self._updates[:limit]
                    now = time.monotonic()
                    for update in batch:  # first hand-over: when the bot could start on it
                        self.handed_over.setdefault(update["update_id"], now)
                    return batch
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self._lock.wait(remaining)

    def _chat_of(self, params: dict) -> dict:
        chat = self.chats.get(params.get("chat_id"))  # type: ignore[arg-type]
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _visible_text(self, text: Any, parse_mode: Any) -> str:
        if not isinstance(text, str) or not text:
            raise ApiError(400, "Bad Request: message text is empty")
        visible = parse_html(text) if str(parse_mode).upper() == "HTML" else text
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(visible) > MESSAGE_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        return visible

    def _bot_message(self, chat: dict, params: dict, **content: Any) -> dict:
        markup = params.get("reply_markup")
        _check_keyboard(markup)
        message = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            **content,
        }
        if markup and markup.get("inline_keyboard"):
            message["reply_markup"] = markup
        reply = params.get("reply_parameters") or {}
        if reply:
            replied = self.messages.get((chat["id"], reply.get("message_id")))
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
            if replied is not None:
                message["reply_to_message"] = replied
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    def _api_sendMessage(self, params: dict, files: dict) -> dict:
        with self._lock:
            chat = self._chat_of(params)
            text = self._visible_text(params.get("text"), params.get("parse_mode"))
            return self._bot_message(chat, params, text=text)

    def _api_editMessageText(self, params: dict, files: dict) -> dict:
        with self._lock:
            if "inline_message_id" in params:
                raise ApiError(400, "Bad Request: inline messages are not supported here")
            chat = self._chat_of(params)
            key = (chat["id"], params.get("message_id"))
            message = self.messages.get(key)
            if message is None:
                raise ApiError(400, "Bad Request: message to edit not found")
            if message["from"]["id"] != self.bot_user["id"]:
                raise ApiError(400, "Bad Request: message can't be edited")
            text = self._visible_text(params.get("text"), params.get("parse_mode"))
            markup = params.get("reply_markup")
            _check_keyboard(markup)
            if text == message.get("text") and markup == message.get("reply_markup"):
                raise ApiError(
                    400,
                    "Bad Request: message is not modified: specified new "
                    "message content and reply markup are exactly the same as "
                    "a current content and reply markup of the message",
                )
            edited = {**message, "text": text, "edit_date": int(time.time())}
            edited.pop("reply_markup", None)
            if markup and markup.get("inline_keyboard"):
                edited["reply_markup"] = markup
            self.messages[key] = edited
            return edited

    def _api_answerCallbackQuery(self, params: dict, files: dict) -> bool:
        with self._lock:
            query_id = params.get("callback_query_id")
            if self.queries.get(query_id) is not False:
                raise ApiError(
                    400,
                    "Bad Request: query is too old and response timeout "
                    "expired or query ID is invalid",
                )
            self.queries[query_id] = True
        return True

    def _api_getFile(self, params: dict, files: dict) -> dict:
        with self._lock:
            stored = self.files.get(params.get("file_id"))
            if stored is None:
                raise ApiError(400, "Bad Request: invalid file_id")
            info, _ = stored
            return {
                "file_id": info["file_id"],
                "file_unique_id": info["file_unique_id"],
                "file_size": info["file_size"],
                "file_path": f"documents/{info['file_id']}",
            }

    def _upload(self, params: dict, files: dict, field_name: str) -> dict:
        if field_name in files:
            file_name, content = files[field_name]
            return self.add_file(content, file_name or params.get("filename"))
        sent = params.get(field_name)
        if isinstance(sent, str) and sent.startswith("attach://"):
            file_name, content = files[sent.removeprefix("attach://")]
            return self.add_file(content, file_name)
        if isinstance(sent, str) and sent in self.files:
            return self.files[sent][0]
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _api_sendDocument(self, params: dict, files: dict) -> dict:
        info = self._upload(params, files, "document")
        with self._lock:
            return self._bot_message(self._chat_of(params), params, document=info)

    def _api_sendPhoto(self, params: dict, files: dict) -> dict:
        info = self._upload(params, files, "photo")
        with self._lock:
            return self._bot_message(
                self._chat_of(params), params, photo=[{**info, "width": 1280, "height": 853}]
            )

    # -- HTTP -----------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = unquote(urlsplit(request.path).path)  # PTB quotes the ':' in file URLs
        try:
            params, files = self._read_body(request)
        except ValueError as error:
            self._answer(request, ApiError(400, f"Bad Request: {error}"))
            return
        bot_prefix, file_prefix = f"/bot{self.token}/", f"/file/bot{self.token}/"
        if request.command == "GET" and path.startswith(file_prefix):
            stored = self.files.get(path.removeprefix(file_prefix).rpartition("/")[2])
            if stored is None:
                self._respond(request, 404, b"Not Found", "text/plain")
            else:
                self._respond(request, 200, stored[1], "application/octet-stream")
            return
        if not path.startswith(bot_prefix):
            known = path.startswith("/bot") or path.startswith("/file/bot")
            self._answer(
                request, ApiError(401 if known else 404, "Unauthorized" if known else "Not Found")
            )
            return
        method = path.removeprefix(bot_prefix)
        call = Call(method, params, files)
        if method != "getUpdates":
            with self._lock:
                self.calls_log.append(call)
        pause = self.delay + self.chat_delays.get(params.get("chat_id"), 0.0)  # type: ignore[arg-type]
        if pause:
            time.sleep(pause)
        try:
            self._answer_call(request, call, method, params, files)
        finally:
            call.answered_at = time.monotonic()

    def _answer_call(
        self,
        request: BaseHTTPRequestHandler,
        call: Call,
        method: str,
        params: dict,
        files: dict,
    ) -> None:
        failure = self.failures.get(method) or self._random_failure(method)
        if failure is not None:
            call.response = ApiError(failure.status, failure.description)  # never delivered
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self.failures[method]
            if failure.drop:
                request.close_connection = True
                return
            self._answer(request, ApiError(failure.status, failure.description))
            return
        try:
            result = self._dispatch(method, params, files)
        except ApiError as error:
            call.response = error
            self._answer(request, error)
            return
        call.response = result
        self._answer(request, result)

    @staticmethod
    def _coerce(name: str, value: str) -> Any:
        if name in _STRING_PARAMS:
            return value
        try:
            return json.loads(value)
        except ValueError:
            return value

    def _read_body(self, request: BaseHTTPRequestHandler) -> tuple[dict, dict]:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        content_type = request.headers.get("Content-Type", "")
        query = dict(parse_qsl(urlsplit(request.path).query))
        params: dict[str, Any] = {k: self._coerce(k, v) for k, v in query.items()}
        files: dict[str, tuple[str | None, bytes]] = {}
        if not body:
            return params, files
        if content_type.startswith("application/json"):
            params.update(json.loads(body))
        elif content_type.startswith("application/x-www-form-urlencoded"):
            for key, value in parse_qsl(body.decode(), keep_blank_values=True):
                params[key] = self._coerce(key, value)
        elif content_type.startswith("multipart/form-data"):
            head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
            form = BytesParser(policy=email_policy.HTTP).parsebytes(head + body)
            for part in form.iter_parts():
                name = part.get_param("name", header="content-disposition")
                content = part.get_payload(decode=True) or b""
                if part.get_filename() is not None:
                    files[name] = (part.get_filename(), content)
                else:
                    params[name] = self._coerce(name, content.decode())
        else:
            raise ValueError(f"unsupported content type {content_type!r}")
        return params, files

    def _answer(self, request: BaseHTTPRequestHandler, result: Any) -> None:
        if isinstance(result, ApiError):
            status = result.code
            payload = {"ok": False, "error_code": result.code, "description": result.description}
            if result.code == 429:  # Telegram says how long to wait
                wait = re.search(r"retry after (\d+)", result.description)
                payload["parameters"] = {"retry_after": int(wait[1]) if wait else 1}
        else:
            status, payload = 200, {"ok": True, "result": result}
        self._respond(request, status, json.dumps(payload).encode(), "application/json")

    @staticmethod
    def _respond(
        request: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str
    ) -> None:
        try:
            request.send_response(status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except OSError:  # the bot gave up waiting (a long poll cancelled at shutdown)
            request.close_connection = True

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # one reply is headers + body: no 40 ms stalls

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                api._handle(self)

            def do_POST(self) -> None:  # noqa: N802
                api._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        return Handler
