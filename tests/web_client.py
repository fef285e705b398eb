"""Driving the staff web console in tests: a clock that can move, and a browser-like client
signed in through a one-time link, the way a member of staff would be."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlparse

from starlette.applications import Starlette
from starlette.testclient import TestClient

from handlers.web_sign_in import sign_in_link
from tests.conftest import NOW

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def login_path(db, person_id: str, now: datetime) -> str:
    return urlparse(sign_in_link(db, person_id, "http://testserver", now)).path


def client_for(
    app: Starlette, person_id: str | None = None, base_url: str = "http://testserver"
) -> TestClient:
    """A client, signed in as `person_id` when given (through a fresh one-time link)."""
    console = app.state.console
    client = TestClient(app, base_url=base_url, follow_redirects=False)
    if person_id is not None:
        response = client.post(login_path(console.db, person_id, console.clock()))
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/cases"
    return client


def csrf_of(client: TestClient, path: str = "/cases") -> str:
    found = CSRF.search(client.get(path).text)
    assert found, f"no csrf_token on {path}"
    return found.group(1)
