"""Shared fixtures: the shipped knowledge (built once), a fresh database, and a `chat`
that talks to the core the way a person would, with no transport in between."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from handlers.engine import Engine
from handlers.replies import Incoming, Person, Reply
from knowledge.school import Knowledge, load_knowledge
from knowledge.semantic import CACHE_ENV
from storage.db import open_database
from tests.fake_bot_api import FakeBotApi
from tests.telegram_driver import BOT_NAME, TOKEN, running_bot


@pytest.fixture(scope="session", autouse=True)
def embedding_cache(tmp_path_factory) -> Iterator[None]:
    """Embeddings are cached in a folder of the test run's own, never the user's; the CLI
    subprocesses that tests start inherit it."""
    patch = pytest.MonkeyPatch()
    patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("embeddings")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def knowledge(embedding_cache) -> Knowledge:
    return load_knowledge()


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "policybot.db")


# A Monday in term (Spring 2, 2026): due dates in school days are predictable from here.
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def engine(knowledge, db) -> Engine:
    return Engine(knowledge, db, clock=lambda: NOW)


class Chat:
    """One person talking to the engine: send text, press buttons by label."""

    def __init__(self, engine: Engine, person: Person) -> None:
        self.engine = engine
        self.person = person
        self.last: list[Reply] = []

    def send(self, text: str | None = None, **incoming) -> list[Reply]:
        self.last = self.engine.handle(self.person, Incoming(text=text, **incoming))
        return self.last

    def press(self, label: str) -> list[Reply]:
        """Press the button whose label contains `label` in the latest replies."""
        for reply in reversed(self.last):
            for button in reply.buttons:
                if label.casefold() in button.label.casefold():
                    return self.send(button=button.data)
        offered = [b.label for r in self.last for b in r.buttons]
        raise AssertionError(f"no button like {label!r}; offered {offered}")

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.last)

    @property
    def labels(self) -> list[str]:
        return [button.label for reply in self.last for button in reply.buttons]


@pytest.fixture
def chat(engine) -> Chat:
    return Chat(engine, Person(id="test:parent-1", role="parent", name="Sam"))


@pytest.fixture
def other_parent(engine) -> Chat:
    return Chat(engine, Person(id="test:parent-2", role="parent", name="Alex"))


# -- Telegram over real HTTP (tests/fake_bot_api.py, tests/telegram_driver.py) ---------------
@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN, username=BOT_NAME) as api:
        yield api


@pytest.fixture
async def bot(server, engine) -> AsyncIterator:
    async with running_bot(server, engine) as application:
        yield application
