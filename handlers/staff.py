"""Staff registration: `policybot staff invite` makes a one-time code, and a person who
sends `/start <code>` (a Telegram deep link, or typed) becomes that role. Only the code's
sha256 is stored, so a copy of the database cannot be used to register.

Who is staff is always read from the registry, never from what a transport says."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from sqlite_utils import Database

from handlers.replies import Person, Reply
from handlers.templates import render
from handlers.turn import Turn
from knowledge.casework import DEFAULT_TITLES, Casework
from storage.staff import create_invite, redeem_invite, staff_roles

INVITE_DAYS = 7
ROLES = tuple(DEFAULT_TITLES)
LINK_PLACEHOLDER = "<your_bot>"


def role_for(base: str, class_name: str | None, casework: Casework) -> str:
    """The role string for an invite ("class_teacher:Year 3"); ValueError when unknown."""
    if base not in ROLES:
        raise ValueError(f"unknown role {base!r}; one of {', '.join(ROLES)}")
    if base != "class_teacher":
        if class_name:
            raise ValueError("--class is only for class_teacher")
        return base
    if class_name not in casework.classes:
        raise ValueError(f"class_teacher needs --class, one of {', '.join(casework.classes)}")
    return f"{base}:{class_name}"


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()


def invite(db: Database, role: str, name: str, now: datetime) -> tuple[str, datetime]:
    """A new one-time code for `role`, and when it expires."""
    code = secrets.token_hex(10)
    expires = now + timedelta(days=INVITE_DAYS)
    create_invite(db, _digest(code), role, name, now, expires)
    return code, expires


def deep_link(code: str, bot_username: str | None) -> str:
    return f"https://t.me/{(bot_username or LINK_PLACEHOLDER).lstrip('@')}?start={code}"


def identify(db: Database, person: Person) -> Person:
    """The person with the roles the staff registry gives them (parent if none)."""
    role, *also = staff_roles(db, person.id) or ["parent"]
    return replace(person, role=role, also=tuple(also))


def redeem(turn: Turn, code: str) -> list[Reply] | None:
    """Register the sender as the invite's role; None when `code` is no valid invite."""
    role = redeem_invite(turn.db, _digest(code), turn.person.id, turn.now)
    if role is None:
        return None
    return [Reply(render("staff_welcome", holder=turn.casework.holder(role)))]
