"""What the core says back. Adapters render these; they never build wording themselves."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # encoded by handlers.buttons; validated again when pressed


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Person:
    """Who is talking, as the core sees them: a transport-prefixed id and a role."""

    id: str  # e.g. "tg:12345" or "local:parent"
    role: str = "parent"
    name: str | None = None


@dataclass(frozen=True)
class Incoming:
    """One thing a person sent: text, a button press, or something we cannot read."""

    text: str | None = None
    button: str | None = None
    media: str | None = None  # "photo", "sticker", "voice", ... when not text
    extra: dict[str, str] = field(default_factory=dict)
