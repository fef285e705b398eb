"""The database: one file, WAL, foreign keys enforced, owner-only, schema from migrations."""

from __future__ import annotations

import os
import sqlite3

import pytest

from storage.db import open_database
from storage.migrations import migrations


def test_one_owner_only_file_in_wal_with_foreign_keys(tmp_path):
    db = open_database(tmp_path / "policybot.db")
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert os.stat(tmp_path / "policybot.db").st_mode & 0o777 == 0o600
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO timeline (submission_id, at, actor, event) "
            "VALUES (999, 'now', 'parent', 'message')"
        )


def test_every_migration_is_applied_once(tmp_path):
    open_database(tmp_path / "policybot.db")
    db = open_database(tmp_path / "policybot.db")  # a restart applies nothing twice
    applied = [m.name for m in migrations.applied(db)]
    assert applied[:3] == ["m001_questions", "m002_casework", "m003_staff"]
    assert len(applied) == len(set(applied))
    assert migrations.pending(db) == []
    assert {
        "people",
        "role_chats",
        "submissions",
        "timeline",
        "attachments",
        "conversations",
        "outbox",
    } <= set(db.table_names())
