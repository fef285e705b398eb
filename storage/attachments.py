"""Files people send with a report or a case. The bytes are saved beside the database
(under attachments/, mode 0600, named at random with the extension their content proves,
never after the sender's file name) with their SHA-256 and size; when the transport has not
downloaded them yet, its file id is kept so they can be fetched later (`files_to_download`,
then `store_download`, which keeps only bytes that are an allowed type)."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from storage.clock import iso
from storage.filetypes import FileType, sniff

ATTACHMENT_DIR = "attachments"


@dataclass(frozen=True)
class StoredFile:
    id: int
    submission_id: int | None
    kind: str
    file_id: str | None
    file_name: str | None
    mime_type: str | None
    size: int | None
    sha256: str | None
    path: str | None  # relative to the data directory; None until the bytes are saved


def data_dir(db: Database) -> Path | None:
    """The folder beside the database file, or None for an in-memory database."""
    main = next(row for row in db.execute("PRAGMA database_list").fetchall() if row[1] == "main")
    return Path(main[2]).parent if main[2] else None


def _write(db: Database, data: bytes) -> tuple[str, str, FileType]:
    """Save bytes owner-only under the data directory, with the extension their content
    proves; (relative path, sha256, type). ValueError when they are no allowed type."""
    kind = sniff(data)
    if kind is None:
        raise ValueError("not a picture, video or PDF")
    root = data_dir(db)
    if root is None:
        raise ValueError("an in-memory database has nowhere to keep files")
    folder = root / ATTACHMENT_DIR
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    relative = f"{ATTACHMENT_DIR}/{secrets.token_hex(12)}{kind.suffix}"
    handle = os.open(root / relative, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    return relative, hashlib.sha256(data).hexdigest(), kind


def save_attachment(
    db: Database,
    *,
    person_id: str,
    kind: str,
    file_id: str | None,
    file_name: str | None,
    mime_type: str | None,
    size: int | None,
    data: bytes | None,
    now: datetime,
    draft_id: str | None = None,
    submission_id: int | None = None,
) -> int:
    """Keep one file sent with a draft or a case, its bytes too when given (they must be an
    allowed type: handlers check with storage.filetypes first); its row id."""
    path = sha256 = None
    if data is not None:
        path, sha256, proven = _write(db, data)
        size, mime_type = len(data), proven.mime
    table = db.table("attachments")
    table.insert(
        {
            "submission_id": submission_id,
            "draft_id": draft_id,
            "person_id": person_id,
            "kind": kind,
            "file_id": file_id,
            "file_name": (file_name or "")[:200] or None,
            "mime_type": mime_type,
            "size": size,
            "sha256": sha256,
            "path": path,
            "received_at": iso(now),
        }
    )
    return int(table.last_pk or 0)


def draft_file_count(db: Database, draft_id: str) -> int:
    return db.table("attachments").count_where(
        "draft_id = ? AND submission_id IS NULL", [draft_id]
    )


def drop_file_rows(db: Database, where: str, params: list) -> list[str]:
    """Delete the rows of the files matching `where`; their saved paths, for `unlink_files`
    once the change is committed (a rolled-back change then still has its files)."""
    paths = [
        row["path"] for row in db.table("attachments").rows_where(where, params) if row["path"]
    ]
    db.table("attachments").delete_where(where, params)
    return paths


def unlink_files(db: Database, paths: list[str]) -> int:
    """Remove saved files from disk; how many were there."""
    root = data_dir(db)
    if root is None:  # an in-memory database keeps no files
        return 0
    removed = 0
    for path in paths:
        if (root / path).exists():
            (root / path).unlink()
            removed += 1
    return removed


def discard_draft_files(db: Database, draft_id: str) -> None:
    """Delete the files of a draft that was cancelled before it was sent."""
    unlink_files(db, drop_file_rows(db, "draft_id = ? AND submission_id IS NULL", [draft_id]))


def link_draft_files(db: Database, draft_id: str, submission_id: int) -> None:
    """The files sent with a draft now belong to the case it became."""
    db.execute(
        "UPDATE attachments SET submission_id = ? WHERE draft_id = ? AND submission_id IS NULL",
        [submission_id, draft_id],
    )


def _stored(row: dict) -> StoredFile:
    return StoredFile(
        row["id"],
        row["submission_id"],
        row["kind"],
        row["file_id"],
        row["file_name"],
        row["mime_type"],
        row["size"],
        row["sha256"],
        row["path"],
    )


def files_of(db: Database, submission_id: int) -> list[StoredFile]:
    return [
        _stored(row)
        for row in db.table("attachments").rows_where(
            "submission_id = ?", [submission_id], order_by="id"
        )
    ]


def files_to_download(db: Database, limit: int = 20) -> list[StoredFile]:
    """Files known only by the transport's file id: fetch each, then `store_download`."""
    return [
        _stored(row)
        for row in db.table("attachments").rows_where(
            "path IS NULL AND file_id IS NOT NULL", order_by="id", limit=limit
        )
    ]


def store_download(db: Database, attachment_id: int, data: bytes) -> bool:
    """Save the bytes fetched for a file that was known only by its file id; False (and
    the file forgotten) when they turn out not to be a picture, video or PDF."""
    if sniff(data) is None:
        db.table("attachments").delete(attachment_id)
        return False
    path, sha256, kind = _write(db, data)
    db.table("attachments").update(
        attachment_id, {"path": path, "sha256": sha256, "size": len(data), "mime_type": kind.mime}
    )
    return True
