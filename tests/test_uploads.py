"""Evidence files are judged by their bytes (magic numbers), never by the name or type the
sender gave: only pictures, videos and PDFs are kept, each stored with the extension its
content proves. A file fetched later is judged when its bytes arrive."""

from __future__ import annotations

import pytest

from handlers.replies import Attachment
from storage.attachments import files_of, files_to_download, store_download
from storage.cases import all_cases
from tests.journeys import PNG, report_incident, screenshot

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"pixels" * 10
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 50
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def sent(chat, *files: Attachment) -> str:
    """Send `files` at a report's evidence step; what the bot said about them."""
    report_incident(chat, submit=False)
    chat.press("Edit")
    chat.press("Evidence")
    told = chat.send(media="document", attachments=files)
    chat.press("Done")
    return "\n".join(reply.text for reply in told)


def kept(chat, db) -> list:
    chat.press("Submit")
    [case] = all_cases(db)
    return files_of(db, case.id)


@pytest.mark.parametrize(
    ("name", "mime", "data"),
    [
        ("screenshot.png.exe", "image/png", EXE),
        ("screenshot.png", "image/png", EXE),
        ("letter.pdf", "application/pdf", HTML),
        ("drawing.svg", "image/svg+xml", SVG),
        ("drawing.png", "image/png", SVG),
    ],
    ids=["exe-named-png", "exe-as-png", "html-as-pdf", "svg", "svg-as-png"],
)
def test_content_that_is_not_a_picture_video_or_pdf_is_refused(chat, db, name, mime, data):
    told = sent(chat, Attachment("document", f"id-{name}", name, mime, len(data), data))
    assert "I can only take pictures, videos and PDFs" in told
    assert kept(chat, db) == []


def test_stored_with_the_extension_the_content_proves(chat, db, tmp_path):
    sent(
        chat,
        Attachment("document", "a", "holiday.exe", "application/octet-stream", len(PNG), PNG),
        Attachment("photo", "b", None, "image/jpeg", len(JPEG), JPEG),
        Attachment("document", "c", "scan", None, 9, b"%PDF-1.7\n"),
    )
    files = kept(chat, db)
    assert [(f.mime_type, f.path.rsplit(".", 1)[1]) for f in files] == [
        ("image/png", "png"),
        ("image/jpeg", "jpg"),
        ("application/pdf", "pdf"),
    ]
    assert (tmp_path / files[0].path).read_bytes() == PNG


def test_a_declared_svg_is_refused_before_its_bytes_arrive(chat, db):
    told = sent(chat, Attachment("document", "svg", "logo.svg", "image/svg+xml", 120, None))
    assert "I can only take pictures, videos and PDFs" in told
    assert kept(chat, db) == []


def test_a_file_fetched_later_is_judged_by_the_bytes_that_arrive(chat, db):
    sent(chat, screenshot("a.jpg", data=None), screenshot("b.jpg", data=None))
    kept(chat, db)
    first, second = files_to_download(db)
    assert store_download(db, first.id, JPEG)
    assert not store_download(db, second.id, EXE)
    [stored] = files_of(db, all_cases(db)[0].id)
    assert (stored.mime_type, stored.path.rsplit(".", 1)[1]) == ("image/jpeg", "jpg")
    assert files_to_download(db) == []
