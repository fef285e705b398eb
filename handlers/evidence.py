"""Files sent as evidence (screenshots, photos, PDFs, short videos): checked against the caps
a school can handle (count, size, type) and kept with the draft or the case."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable

from handlers.replies import Attachment
from handlers.templates import render
from handlers.turn import Turn
from storage.attachments import save_attachment
from storage.filetypes import declared_allowed, sniff

MAX_FILES = 10
MAX_MEGABYTES = 20


def _mime(attachment: Attachment) -> str | None:
    """What the file says it is (Telegram photos are always JPEG): trusted only until its
    bytes arrive."""
    if attachment.kind == "photo":
        return "image/jpeg"
    return attachment.mime_type or mimetypes.guess_type(attachment.file_name or "")[0]


def _refusal(attachment: Attachment, count: int) -> str | None:
    size = len(attachment.data) if attachment.data is not None else attachment.size or 0
    if count >= MAX_FILES:
        return "count"
    if size > MAX_MEGABYTES * 1024 * 1024:
        return "size"
    if attachment.data is not None and sniff(attachment.data) is None:
        return "type"  # the bytes decide, whatever the name or stated type
    if attachment.data is None and not declared_allowed(_mime(attachment)):
        return "type"  # judged again by its bytes once they are fetched
    return None


def receive_files(
    turn: Turn,
    attachments: Iterable[Attachment],
    *,
    already: int,
    draft_id: str | None = None,
    case_id: int | None = None,
) -> tuple[int, str]:
    """Keep the acceptable files; (how many were kept, what to tell the sender)."""
    kept, refused = 0, []
    for attachment in attachments:
        reason = _refusal(attachment, already + kept)
        if reason:
            refused.append((attachment.file_name or attachment.kind, reason))
            continue
        save_attachment(
            turn.db,
            person_id=turn.person.id,
            kind=attachment.kind,
            file_id=attachment.file_id,
            file_name=attachment.file_name,
            mime_type=_mime(attachment),
            size=attachment.size,
            data=attachment.data,
            now=turn.now,
            draft_id=draft_id,
            submission_id=case_id,
        )
        kept += 1
    text = render(
        "files_received",
        kept=kept,
        total=already + kept,
        refused=refused,
        max_files=MAX_FILES,
        max_megabytes=MAX_MEGABYTES,
    )
    return kept, text
