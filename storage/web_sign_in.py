"""Sign-in links and sessions of the staff web console. Links and session ids are kept only
as their sha256; a link is spent by one conditional update, so two clicks cannot both use
it, and a session ends at its absolute expiry, after an idle spell, or at sign-out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from storage.clock import iso


@dataclass(frozen=True)
class WebSession:
    person_id: str
    csrf_token: str


def create_sign_in_link(
    db: Database, token_sha256: str, person_id: str, now: datetime, expires: datetime
) -> None:
    with db.atomic():
        db.table("web_links").insert(
            {
                "token_sha256": token_sha256,
                "person_id": person_id,
                "created_at": iso(now),
                "expires_at": iso(expires),
            }
        )


def spend_sign_in_link(db: Database, token_sha256: str, now: datetime) -> str | None:
    """The person the link signs in, once; None when unknown, used or expired."""
    with db.atomic():
        row = next(
            db.query(
                "SELECT id, person_id FROM web_links WHERE token_sha256 = ? "
                "AND used_at IS NULL AND expires_at > ?",
                [token_sha256, iso(now)],
            ),
            None,
        )
        if row is None:
            return None
        spent = db.execute(
            "UPDATE web_links SET used_at = ? WHERE id = ? AND used_at IS NULL",
            [iso(now), row["id"]],
        ).rowcount
    return row["person_id"] if spent == 1 else None


def start_session(
    db: Database,
    session_sha256: str,
    person_id: str,
    csrf_token: str,
    now: datetime,
    expires: datetime,
) -> None:
    with db.atomic():
        db.table("web_sessions").insert(
            {
                "session_sha256": session_sha256,
                "person_id": person_id,
                "csrf_token": csrf_token,
                "created_at": iso(now),
                "last_seen_at": iso(now),
                "expires_at": iso(expires),
            }
        )


def live_session(
    db: Database, session_sha256: str, now: datetime, idle: timedelta
) -> WebSession | None:
    """The session, if not ended, expired or idle too long; seeing it keeps it alive."""
    with db.atomic():
        row = next(
            db.query(
                "SELECT id, person_id, csrf_token FROM web_sessions WHERE session_sha256 = ? "
                "AND ended_at IS NULL AND expires_at > ? AND last_seen_at > ?",
                [session_sha256, iso(now), iso(now - idle)],
            ),
            None,
        )
        if row is None:
            return None
        db.execute("UPDATE web_sessions SET last_seen_at = ? WHERE id = ?", [iso(now), row["id"]])
    return WebSession(row["person_id"], row["csrf_token"])


def end_session(db: Database, session_sha256: str, now: datetime) -> None:
    with db.atomic():
        db.execute(
            "UPDATE web_sessions SET ended_at = ? WHERE session_sha256 = ? AND ended_at IS NULL",
            [iso(now), session_sha256],
        )
