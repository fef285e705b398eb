"""Open the one SQLite file the bot keeps everything in: WAL, foreign keys on, a busy
timeout, and every pending migration applied."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storage.migrations import migrations

BUSY_TIMEOUT_MS = 5000


def open_database(path: Path | str) -> Database:
    """Open (creating if needed) the database at `path`; ":memory:" for tests."""
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", check_same_thread=False)
    else:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        conn = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        if new:
            os.chmod(path, 0o600)  # complaints and safeguarding reports: owner only
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    db = Database(conn)
    if str(path) != ":memory:":
        db.enable_wal()
    migrations.apply(db)
    return db
