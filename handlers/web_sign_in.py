"""Signing in to the staff web console without a password: a one-time link (15 minutes,
kept only as a sha256) for a registered member of staff, from `policybot web link --as
ROLE` or from /web in the chat, then a session with idle and absolute expiry.

Who someone is in the console is read from the staff registry on every request, so a
revoked member of staff is signed out at once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from handlers.access import audit, is_staff
from handlers.replies import Person, Reply
from handlers.staff import identify
from handlers.templates import render
from handlers.turn import Turn
from storage.audit import record_audit
from storage.staff import holder_of
from storage.web_sign_in import (
    create_sign_in_link,
    end_session,
    live_session,
    spend_sign_in_link,
    start_session,
)

LINK_MINUTES = 15
SESSION_IDLE = timedelta(hours=1)
SESSION_MAX = timedelta(hours=12)


@dataclass(frozen=True)
class SignedIn:
    person: Person
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in_link(db: Database, person_id: str, base_url: str, now: datetime) -> str:
    """A new one-time link `<base>/login/<token>` for this person."""
    token = secrets.token_urlsafe(32)
    create_sign_in_link(db, _digest(token), person_id, now, now + timedelta(minutes=LINK_MINUTES))
    return f"{base_url.rstrip('/')}/login/{token}"


def link_for_role(db: Database, role: str, base_url: str, now: datetime) -> str:
    """The link for whoever is registered in `role`; ValueError when nobody is."""
    person_id = holder_of(db, role)
    if person_id is None:
        raise ValueError(
            f"nobody is registered as {role!r} (see `policybot staff list`; "
            "roles are spelled as there, e.g. headteacher or 'class_teacher:Year 3')"
        )
    record_audit(
        db, actor="cli", actor_role=role, action="web-link", reference=None, allowed=True, now=now
    )
    return sign_in_link(db, person_id, base_url, now)


def command(turn: Turn) -> list[Reply]:
    """/web: registered staff get a sign-in link; everyone else is told it is for staff."""
    allowed = is_staff(turn.person.role)
    audit(turn, "web-link", None, allowed)
    if not allowed:
        return [Reply(render("staff_refused"))]
    link = sign_in_link(turn.db, turn.person.id, turn.casework.web_url, turn.now)
    return [Reply(render("web_link", link=link, minutes=LINK_MINUTES))]


def _person(db: Database, person_id: str) -> Person | None:
    """The person with their staff roles from the registry; None if they hold none now."""
    person = identify(db, Person(id=person_id))
    return person if is_staff(person.role) else None


def sign_in(db: Database, token: str, now: datetime) -> str | None:
    """Spend a link: a new session id, for the cookie; None when the link is unknown, used,
    expired, or its person is no longer staff."""
    person_id = spend_sign_in_link(db, _digest(token[:200]), now)
    person = _person(db, person_id) if person_id else None
    record_audit(
        db,
        actor=person_id or "unknown",
        actor_role=person.role if person else "unknown",
        action="web-sign-in",
        reference=None,
        allowed=person is not None,
        now=now,
    )
    if person is None:
        return None
    session, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    start_session(db, _digest(session), person.id, csrf, now, now + SESSION_MAX)
    return session


def signed_in(db: Database, session: str | None, now: datetime) -> SignedIn | None:
    """Who holds this session id, if it is live and they are still staff."""
    if not session:
        return None
    found = live_session(db, _digest(session[:200]), now, SESSION_IDLE)
    person = _person(db, found.person_id) if found else None
    return SignedIn(person, found.csrf_token) if found and person else None


def sign_out(db: Database, session: str, now: datetime) -> None:
    end_session(db, _digest(session[:200]), now)
