"""Turn the core's replies into what the Bot API takes: HTML-escaped text in chunks Telegram
accepts, and an inline keyboard. Pure functions, so they are tested without a network."""

from __future__ import annotations

import html
from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import buttons
from handlers.replies import Button

# Telegram's limit on a message's text, counted after entity parsing in UTF-16 code units.
MESSAGE_LIMIT = 4096
# Buttons of one kind (👍/👎, ◀ Previous/Next ▶) share a row when both labels are this short.
PAIR_LABEL_CHARS = 20
_SEPARATORS = ("\n\n", "\n", " ")


def to_html(text: str) -> str:
    """Plain text from a template, safe for parse_mode=HTML: every <, > and & escaped."""
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _hard_cut(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    units = 0
    for char in text:
        size = utf16_len(char)
        if units + size > limit:
            chunks.append("".join(current))
            current, units = [], 0
        current.append(char)
        units += size
    if current:
        chunks.append("".join(current))
    return chunks


def split_text(
    text: str, limit: int = MESSAGE_LIMIT, separators: tuple[str, ...] = _SEPARATORS
) -> list[str]:
    """Split `text` into chunks of at most `limit` UTF-16 units, preferring paragraph breaks,
    then line breaks, then spaces; a single over-long word is cut where it must be."""
    if utf16_len(text) <= limit:
        return [text] if text.strip() else []
    if not separators:
        return _hard_cut(text, limit)
    separator, finer = separators[0], separators[1:]
    chunks: list[str] = []
    current = ""
    for piece in text.split(separator):
        candidate = f"{current}{separator}{piece}" if current else piece
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current.strip():
            chunks.append(current)
        current = ""
        if utf16_len(piece) <= limit:
            current = piece
        else:
            *done, current = split_text(piece, limit, finer) or [""]
            chunks.extend(done)
    if current.strip():
        chunks.append(current)
    return [chunk.strip("\n") for chunk in chunks]


def _action(button: Button) -> str | None:
    press = None if button.url else buttons.decode(button.data)
    return press.action if press else None


def _share_row(left: Button, right: Button) -> bool:
    action = _action(left)
    return (
        action is not None
        and action == _action(right)
        and max(len(left.label), len(right.label)) <= PAIR_LABEL_CHARS
    )


def _telegram_button(button: Button) -> InlineKeyboardButton:
    # Button labels are not parsed as HTML by Telegram: they go as they are.
    if button.url:
        return InlineKeyboardButton(button.label, url=button.url)
    return InlineKeyboardButton(button.label, callback_data=button.data)


def keyboard(offered: Iterable[Button]) -> InlineKeyboardMarkup | None:
    """One button a row, except two short buttons of the same kind (👍/👎, Previous/Next)."""
    rows: list[list[Button]] = []
    for button in offered:
        if rows and len(rows[-1]) == 1 and _share_row(rows[-1][0], button):
            rows[-1].append(button)
        else:
            rows.append([button])
    if not rows:
        return None
    return InlineKeyboardMarkup([[_telegram_button(b) for b in row] for row in rows])


def pressed_actions(markup: InlineKeyboardMarkup | None) -> list[buttons.Press]:
    """The presses a message's keyboard offers (unknown or foreign data left out)."""
    if markup is None:
        return []
    found = []
    for row in markup.inline_keyboard:
        for button in row:
            press = buttons.decode(
                button.callback_data if isinstance(button.callback_data, str) else None
            )
            if press:
                found.append(press)
    return found


def is_section_page(markup: InlineKeyboardMarkup | None, number: str) -> bool:
    """Whether a message's keyboard is that of a page of section `number` (paging buttons for
    it and nothing but "ask"/"all sections"), so a Next/Previous press can edit it in place."""
    presses = pressed_actions(markup)
    sections = {p.args[0] for p in presses if p.action == "sec"}
    return sections == {number} and {p.action for p in presses} <= {"sec", "ask", "policy"}
