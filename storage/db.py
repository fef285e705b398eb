"""Open the one SQLite file the bot keeps everything in: WAL, foreign keys on, a busy
timeout, write transactions that take the write lock as they begin, and every pending
migration applied."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from sqlite_utils import Database

from storage.migrations import migrations

BUSY_TIMEOUT_MS = 5000
# How the sqlite3 module begins the transactions it opens by itself (around sqlite-utils'
# single inserts and updates): with the write lock, like WriteLockingDatabase.atomic.
IMPLICIT_TRANSACTIONS: Final = "IMMEDIATE"


class WriteLockingDatabase(Database):
    """sqlite-utils' Database whose transactions begin with BEGIN IMMEDIATE.

    Several processes share the file (the bot, `policybot chat`, `policybot cases`). A
    deferred transaction that reads first and writes later cannot upgrade its read snapshot
    once another process has written since: SQLite fails it at once with "database is
    locked", without waiting out the busy timeout, and the write is lost. Taking the write
    lock up front makes every writer wait its turn instead (up to the busy timeout)."""

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:  # nested: a savepoint in the outer transaction
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise


class DatabaseUnavailable(ValueError):
    """The database cannot be opened for writing: said at start, in one line, rather than
    losing a parent's submission later."""


def open_database(path: Path | str) -> Database:
    """Open (creating if needed) the database at `path`; ":memory:" for tests. A read-only
    file or folder, a full disk or a corrupt file is a DatabaseUnavailable naming the path."""
    try:
        return _open(path)
    except (sqlite3.Error, OSError) as error:
        raise DatabaseUnavailable(
            f"cannot use the database {path}: {error} (check the file and its folder are "
            "writable by this user, the disk has space, and POLICYBOT_DB is right)"
        ) from error


def backup_database(db: Database, target: Path) -> None:
    """A consistent copy of the live database through SQLite's online backup API, safe
    while the bot runs; the copy is owner-only, like the original."""
    target.parent.mkdir(parents=True, exist_ok=True)
    copy = sqlite3.connect(target)
    try:
        db.conn.backup(copy)
    finally:
        copy.close()
    os.chmod(target, 0o600)


def _open(path: Path | str) -> Database:
    if str(path) == ":memory:":
        conn = sqlite3.connect(
            ":memory:", check_same_thread=False, isolation_level=IMPLICIT_TRANSACTIONS
        )
    else:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        conn = sqlite3.connect(
            path,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=IMPLICIT_TRANSACTIONS,
        )
        if new:
            os.chmod(path, 0o600)  # complaints and safeguarding reports: owner only
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    db = WriteLockingDatabase(conn)
    if str(path) != ":memory:":
        db.enable_wal()
        # An fsync per commit (synchronous=FULL, SQLite's default, said here so nobody
        # "optimises" it away): a disclosure the bot has stored survives a power cut too.
        # NORMAL would be faster, but Telegram will not send an update again once it is
        # stored, so a write lost to a power cut would be lost for good.
        conn.execute("PRAGMA synchronous = FULL")
    migrations.apply(db)
    conn.execute("BEGIN IMMEDIATE")  # takes the write lock: a read-only file fails here, now
    conn.execute("ROLLBACK")
    return db
