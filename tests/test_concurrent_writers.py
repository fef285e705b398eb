"""Two processes on one database (the bot and `policybot cases`, or two terminals) lose
nothing: a write transaction takes the write lock up front and waits its turn, rather than
failing at once when another connection wrote after it began reading."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import suppress

import pytest

from handlers.engine import Engine
from handlers.inbox import Refused, acknowledge
from handlers.replies import Person
from handlers.turn import Turn
from storage.cases import open_cases
from storage.db import open_database
from storage.people import remember_person
from tests.conftest import NOW, Chat
from tests.journeys import raise_concern

PARENTS, CONCERNS_EACH = 3, 4


def test_a_write_transaction_holds_the_write_lock_from_its_first_read(tmp_path):
    first = open_database(tmp_path / "policybot.db")
    second = open_database(tmp_path / "policybot.db")
    second.conn.execute("PRAGMA busy_timeout = 0")  # say "locked" at once instead of waiting
    with first.atomic():
        assert first.execute("SELECT COUNT(*) FROM people").fetchone() == (0,)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            remember_person(second, "test:other", "parent", None, NOW)  # waits its turn
        remember_person(first, "test:first", "parent", None, NOW)  # the reader can write
    remember_person(second, "test:other", "parent", None, NOW)
    assert first.execute("SELECT COUNT(*) FROM people").fetchone() == (2,)


def test_parents_submitting_while_staff_acknowledge_lose_nothing(tmp_path, knowledge):
    path = tmp_path / "policybot.db"
    open_database(path)
    failures: list[BaseException] = []
    submitting = threading.Event()

    def parent(number: int) -> None:
        chat = Chat(
            Engine(knowledge, open_database(path), clock=lambda: NOW),
            Person(id=f"test:parent-{number}"),
        )
        for _ in range(CONCERNS_EACH):
            raise_concern(chat)
            assert "Reference:" in chat.text, chat.text

    def teacher() -> None:
        turn = Turn(knowledge, open_database(path), Person("cli", "class_teacher:Year 3"), NOW)
        while submitting.is_set() or any(c.status == "open" for c in open_cases(turn.db)):
            for case in open_cases(turn.db):
                # Refused: acknowledged between the listing and the press
                if case.status == "open":
                    with suppress(Refused):
                        acknowledge(turn, case.reference)

    def guarded(work, *args) -> None:
        try:
            work(*args)
        except BaseException as error:  # reported below, with the thread's traceback
            failures.append(error)

    submitting.set()
    parents = [threading.Thread(target=guarded, args=(parent, n)) for n in range(PARENTS)]
    staff = threading.Thread(target=guarded, args=(teacher,))
    for thread in (*parents, staff):
        thread.start()
    for thread in parents:
        thread.join(timeout=120)
    submitting.clear()
    staff.join(timeout=120)
    assert not failures, failures
    db = open_database(path)
    cases = db["submissions"].count
    assert cases == PARENTS * CONCERNS_EACH
    assert db["submissions"].count_where("status = 'acknowledged'") == cases
    assert db["outbox"].count_where("recipient_person IS NOT NULL") == cases  # one ack each
