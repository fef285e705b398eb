"""The staff web console in a real browser (`make browser-test`, not part of `make test`):
headless Chromium from the machine's package manager signs in with a one-time link, opens a
case, replies to the parent (the reply lands in the bot's outbox), and the tour saves the
screenshots the README shows under docs/.

Needs the Debian package `chromium` (/usr/bin/chromium) and the `browser` extra
(Playwright's Python package; its own browser download is not used)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
import uvicorn

from bot.web import create_app
from handlers import inbox
from handlers.engine import Engine
from handlers.replies import Person
from handlers.turn import Turn
from handlers.web_sign_in import sign_in_link
from knowledge.school import load_knowledge
from storage.cases import case_by_reference
from storage.db import open_database
from storage.questions import log_question
from tests.conftest import Chat
from tests.journeys import raise_concern, report_incident
from tests.staffing import register

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS = Path(__file__).resolve().parent.parent / "docs"
START = datetime(2025, 10, 6, 9, 0, tzinfo=UTC)  # a Monday in the autumn term
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(db, knowledge) -> None:
    """Some months of casework, so the figures and charts have something to show."""
    for month in range(5):
        at = START + timedelta(weeks=4 * month)
        engine = Engine(knowledge, db, clock=lambda at=at: at)
        for n in range(month % 3 + 1):
            raise_concern(Chat(engine, Person(id=f"test:parent-{month}-{n}")))
        report_incident(Chat(engine, Person(id=f"test:reporter-{month}")))
    for number, days in ((1, 0.5), (2, 2), (3, 4), (5, 1), (6, 9)):
        case_reference = f"BH-2025-{number:04d}"
        case = case_by_reference(db, case_reference)
        if case is None:
            continue
        role = case.assignee_role
        later = datetime.fromisoformat(case.created_at) + timedelta(days=days)
        inbox.acknowledge(Turn(knowledge, db, Person(id="cli", role=role), later), case_reference)
    for text in ("what time does breakfast club open", "when is breakfast club", "PE kit days?"):
        log_question(db, text, "decline", None, 0.0)


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[tuple[str, object, object]]:
    knowledge = load_knowledge()
    db = open_database(tmp_path_factory.mktemp("browser") / "policybot.db")
    _seed(db, knowledge)
    engine = Engine(knowledge, db, clock=lambda: NOW)
    raise_concern(
        Chat(engine, Person(id="test:parent", name="Sam")),
        details="The class WhatsApp group has become unkind <b>every evening</b>.",
    )
    register(engine, "class_teacher:Year 3")
    register(engine, "headteacher")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(knowledge, db, bot_username="biggin_hill_bot", clock=lambda: NOW)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield base, db, engine
    server.should_exit = True
    thread.join(timeout=10)


def _link(db, base: str, person_id: str) -> str:
    return base + urlparse(sign_in_link(db, person_id, base, NOW)).path


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def test_sign_in_open_a_case_and_reply(console, browser):
    base, db, _ = console
    DOCS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(_link(db, base, "test:class_teacher:Year 3"))
    page.screenshot(path=DOCS / "console-sign-in.png")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/cases")
    reference = db.execute("SELECT reference FROM submissions ORDER BY id DESC").fetchone()[0]
    page.get_by_role("link", name=reference).click()
    page.wait_for_url(f"{base}/cases/{reference}")
    assert "<b>every evening</b>" in page.inner_text("blockquote")  # shown as text
    page.fill("#reply", "Thank you. We have spoken to the class about kind messages.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_selector("text=Reply recorded and sent to the parent")
    page.screenshot(path=DOCS / "console-case.png", full_page=True)
    sent = db.execute(
        "SELECT text FROM outbox WHERE recipient_person = 'test:parent' ORDER BY id DESC"
    ).fetchone()[0]
    assert "We have spoken to the class about kind messages." in sent
    page.get_by_role("link", name="Cases").click()
    page.screenshot(path=DOCS / "console-cases.png")


def test_headteacher_pages(console, browser):
    base, db, _ = console
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(_link(db, base, "test:headteacher"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/cases")
    page.goto(f"{base}/report")
    assert page.locator("svg.chart").count() == 2
    page.screenshot(path=DOCS / "console-report.png", full_page=True)
    page.goto(f"{base}/gaps")
    page.screenshot(path=DOCS / "console-gaps.png", full_page=True)
    page.goto(f"{base}/staff")
    page.fill("input[name=name]", "Mr Example")
    page.select_option("select[name=role]", "class_teacher")
    page.select_option("select[name=class]", "Year 5")
    page.get_by_role("button", name="Make invitation").click()
    page.wait_for_selector(".qr svg")
    page.screenshot(path=DOCS / "console-staff.png", full_page=True)
