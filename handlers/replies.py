"""What the core says back. Adapters render these; they never build wording themselves."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # encoded by handlers.buttons; validated again when pressed
    url: str | None = None  # a link button (e.g. a deep link to a private chat): opens, no press


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    files: tuple[Attachment, ...] = ()  # documents to send with it (data bytes set)


@dataclass(frozen=True)
class Person:
    """Who is talking, as the core sees them: a transport-prefixed id and a role."""

    id: str  # e.g. "tg:12345" or "local:parent"
    role: str = "parent"  # the first role they hold
    name: str | None = None
    audience: str | None = None  # "parent" | "staff" | "pupil" when declared (--as), for testing
    also: tuple[str, ...] = ()  # further staff roles (a headteacher who is also the DSL)

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role, *self.also)


@dataclass(frozen=True)
class Attachment:
    """A file someone sent (a screenshot, a document), as the transport delivered it."""

    kind: str  # "photo" | "document" | "video" | ...
    file_id: str  # the transport's own id (Telegram file_id), kept for re-sending
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    data: bytes | None = None  # the content, when the transport downloaded it


PRIVATE = "private"  # a one-to-one chat with the bot (the terminal's and the tests' kind)


@dataclass(frozen=True)
class Incoming:
    """One thing a person sent: text, a button press, a file, or something we cannot read."""

    text: str | None = None
    button: str | None = None
    media: str | None = None  # "photo", "sticker", "voice", ... when not plain text
    attachments: tuple[Attachment, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)  # "chat_type": "group", "forwarded"

    @property
    def private(self) -> bool:
        """Sent in a private chat with the bot, the only place a flow may be read or
        advanced or a case shown; a transport that says nothing means one."""
        return self.extra.get("chat_type", PRIVATE) == PRIVATE
