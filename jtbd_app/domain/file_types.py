"""Which delivery files are accepted: a file's name must name an allowed kind and its bytes must be that kind.

The bytes decide, not the name: a program renamed `report.pdf` is refused. Programs, web pages and SVG images
(which can carry scripts) are never a kind here, so no setting can let them in.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

import puremagic

DEFAULT_KINDS = "pdf,png,jpeg,gif,webp,txt,csv,md,zip,docx,xlsx,pptx,odt,mp4,mp3"
SNIFF_BYTES = 4096
_EXECUTABLE_MAGIC = (
    b"\x7fELF",  # Linux and other Unix programs
    b"\xfe\xed\xfa\xce",  # Mach-O, 32 and 64 bit, both byte orders, and universal binaries
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",  # scripts the system runs by their first line
)
_MARKUP = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|script|iframe|frame|object|embed|svg|meta|link|style|form|img|a\s)\b"
    rb"|<\?xml[^>]*>\s*<svg\b|javascript:",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FileKind:
    name: str
    label: str
    mime: str
    extensions: tuple[str, ...]
    matches: Callable[[bytes], bool]


def _magic(*mimes: str) -> Callable[[bytes], bool]:
    """True when the file signature library finds one of these types at the start of the bytes."""

    def check(content: bytes) -> bool:
        try:
            found = puremagic.magic_string(content[:SNIFF_BYTES])
        except puremagic.PureError:
            return False
        return any(match.mime_type in mimes for match in found)

    return check


def _zip_members(content: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def _zip_with(*required: str) -> Callable[[bytes], bool]:
    """A zip archive holding these members (how Office documents are built)."""

    def check(content: bytes) -> bool:
        names = _zip_members(content)
        return names is not None and all(name in names for name in required)

    return check


def _open_document(mime: str) -> Callable[[bytes], bool]:
    """An OpenDocument file: a zip whose first member, `mimetype`, names its type."""

    def check(content: bytes) -> bool:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return archive.read("mimetype").strip() == mime.encode()
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            return False

    return check


def is_plain_text(content: bytes) -> bool:
    """UTF-8 text without control characters other than tabs and line breaks, and without HTML markup."""
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in decoded) or "\x7f" in decoded:
        return False
    return _MARKUP.search(content) is None


KINDS: dict[str, FileKind] = {
    kind.name: kind
    for kind in (
        FileKind("pdf", "PDF", "application/pdf", (".pdf",), _magic("application/pdf")),
        FileKind("png", "PNG image", "image/png", (".png",), _magic("image/png")),
        FileKind("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg"), _magic("image/jpeg")),
        FileKind("gif", "GIF image", "image/gif", (".gif",), _magic("image/gif")),
        FileKind("webp", "WebP image", "image/webp", (".webp",), _magic("image/webp")),
        FileKind("txt", "plain text", "text/plain", (".txt", ".text", ".log"), is_plain_text),
        FileKind("csv", "CSV table", "text/csv", (".csv",), is_plain_text),
        FileKind("md", "Markdown text", "text/markdown", (".md", ".markdown"), is_plain_text),
        FileKind("zip", "zip archive", "application/zip", (".zip",), lambda c: _zip_members(c) is not None),
        FileKind(
            "docx",
            "Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            _zip_with("[Content_Types].xml", "word/document.xml"),
        ),
        FileKind(
            "xlsx",
            "Excel workbook",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            _zip_with("[Content_Types].xml", "xl/workbook.xml"),
        ),
        FileKind(
            "pptx",
            "PowerPoint presentation",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
            _zip_with("[Content_Types].xml", "ppt/presentation.xml"),
        ),
        FileKind(
            "odt",
            "OpenDocument text",
            "application/vnd.oasis.opendocument.text",
            (".odt",),
            _open_document("application/vnd.oasis.opendocument.text"),
        ),
        FileKind("mp4", "MP4 video", "video/mp4", (".mp4", ".m4v"), _magic("video/mp4")),
        FileKind("mp3", "MP3 audio", "audio/mpeg", (".mp3",), _magic("audio/mpeg")),
    )
}


def parse_kinds(value: object) -> tuple[str, ...]:
    """The allow-list setting ("pdf,png,..."), each name known; ValueError names an unknown one."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in str(value or "").split(",") if n.strip()))
    unknown = [n for n in names if n not in KINDS]
    if unknown:
        raise ValueError(f"unknown file kinds {', '.join(unknown)}; known: {', '.join(KINDS)}")
    return names


def refused_content(content: bytes) -> str:
    """What the bytes are when they are something never accepted (a program, a web page, an SVG); else ""."""
    head = content[:SNIFF_BYTES]
    # Windows programs start with MZ and hold binary headers; a text that starts with "MZ" is still text.
    if head.startswith(_EXECUTABLE_MAGIC) or (head.startswith(b"MZ") and b"\x00" in head[:64]):
        return "a program or script"
    if re.search(rb"<\s*svg\b", head, re.IGNORECASE):
        return "an SVG image, which can carry scripts"
    if _MARKUP.search(head.lstrip()[:512]) and re.match(rb"\s*(\xef\xbb\xbf)?\s*<", head):
        return "a web page (HTML)"
    return ""


def check_file(filename: str, content: bytes, *, allowed: tuple[str, ...]) -> FileKind:
    """The kind of an accepted file; ValueError, naming the file, for anything else."""
    danger = refused_content(content)
    if danger:
        raise ValueError(f"{filename} is {danger}; such files are never accepted.")
    suffix = PurePosixPath(filename.lower()).suffix
    kind = next((KINDS[n] for n in allowed if suffix in KINDS[n].extensions), None)
    if kind is None:
        accepted = ", ".join(KINDS[n].label for n in allowed)
        raise ValueError(f"{filename}: files of this type are not accepted. Accepted: {accepted}.")
    if not kind.matches(content):
        raise ValueError(f"{filename} is not a real {kind.label}: its content is something else.")
    return kind
