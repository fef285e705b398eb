"""Which files the school keeps, told by their bytes (magic numbers), never by the name or
type the sender gave: pictures, videos and PDFs. Anything else (programs, web pages, SVG,
which can carry scripts) is refused, and a kept file is stored with the extension its
content proves, so "screenshot.png.exe" is never saved as an .exe."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    mime: str
    suffix: str


JPEG = FileType("image/jpeg", ".jpg")
PNG = FileType("image/png", ".png")
GIF = FileType("image/gif", ".gif")
WEBP = FileType("image/webp", ".webp")
HEIC = FileType("image/heic", ".heic")
AVIF = FileType("image/avif", ".avif")
MP4 = FileType("video/mp4", ".mp4")
QUICKTIME = FileType("video/quicktime", ".mov")
WEBM = FileType("video/webm", ".webm")
MATROSKA = FileType("video/x-matroska", ".mkv")
PDF = FileType("application/pdf", ".pdf")
ALLOWED = (JPEG, PNG, GIF, WEBP, HEIC, AVIF, MP4, QUICKTIME, WEBM, MATROSKA, PDF)
ALLOWED_MIME_TYPES = frozenset(kind.mime for kind in ALLOWED) | {"image/heif", "image/jpg"}

_PREFIXES = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"%PDF-", PDF),
)
# ISO base media files (MP4, MOV, HEIC) say what they are in their first box: "ftyp" at
# byte 4, then a four-character brand.
_BRANDS = {
    **dict.fromkeys((b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"), HEIC),
    **dict.fromkeys((b"avif", b"avis"), AVIF),
    **dict.fromkeys(
        (b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "),
        MP4,
    ),
    **dict.fromkeys((b"3gp4", b"3gp5", b"3gp6", b"MSNV", b"dash"), MP4),
    b"qt  ": QUICKTIME,
}
_EBML = b"\x1a\x45\xdf\xa3"  # Matroska and WebM


def sniff(data: bytes) -> FileType | None:
    """The allowed type these bytes are, or None when they are none of them."""
    for prefix, kind in _PREFIXES:
        if data.startswith(prefix):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp":
        return _BRANDS.get(data[8:12])
    if data.startswith(_EBML):
        return WEBM if b"webm" in data[:64] else MATROSKA
    return None


def declared_allowed(mime_type: str | None) -> bool:
    """Whether a file whose bytes have not arrived yet says it is an allowed type (its
    bytes are judged when they do)."""
    return (mime_type or "").lower() in ALLOWED_MIME_TYPES
