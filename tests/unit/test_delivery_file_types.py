"""Delivery files are checked on their bytes against the DELIVERY_FILE_TYPES allow-list, before anything is stored.

The images, the MP3 and the OpenDocument file in file_samples/ are real files (from CPython's and other projects'
test data); the Office files and the MP4 are built here the way their formats lay them out.
"""

from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
from pathlib import Path

import pytest
from sqlmodel import select

from jtbd_app.config import Settings, get_settings
from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain import file_types
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import DeliveryFile
from jtbd_app.services.contracts import deliveries
from jtbd_app.services.contracts.delivery_files import IncomingFile, check_files, store
from tests.support.contracts import Deal, fund

SAMPLES = Path(__file__).parent / "file_samples"
ALL = file_types.parse_kinds(file_types.DEFAULT_KINDS)
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
MP4 = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isommp41" + struct.pack(">I", 8) + b"free"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _office(part: str) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>", part: b"<doc/>"})


def _windows_program() -> bytes:
    header = bytearray(b"MZ" + b"\x00" * 126)
    header[0x3C:0x40] = struct.pack("<I", 0x80)  # where the PE header starts
    return bytes(header) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 60


ACCEPTED = [
    ("brief.pdf", PDF, "application/pdf"),
    ("logo.png", (SAMPLES / "python.png").read_bytes(), "image/png"),
    ("photo.jpg", (SAMPLES / "python.jpg").read_bytes(), "image/jpeg"),
    ("photo.JPEG", (SAMPLES / "python.jpg").read_bytes(), "image/jpeg"),
    ("anim.gif", (SAMPLES / "python.gif").read_bytes(), "image/gif"),
    ("still.webp", (SAMPLES / "python.webp").read_bytes(), "image/webp"),
    ("notes.txt", "Three concepts, one per page. Café ✓\n".encode(), "text/plain"),
    ("table.csv", b"name,amount\nAnn,12.50\n", "text/csv"),
    ("README.md", b"# Delivery\n\n- item one\n- `code` and a [link](https://example.com)\n", "text/markdown"),
    ("bundle.zip", _zip({"a.txt": b"a", "b/c.txt": b"c"}), "application/zip"),
    ("report.docx", _office("word/document.xml"), file_types.KINDS["docx"].mime),
    ("sheet.xlsx", _office("xl/workbook.xml"), file_types.KINDS["xlsx"].mime),
    ("deck.pptx", _office("ppt/presentation.xml"), file_types.KINDS["pptx"].mime),
    ("letter.odt", (SAMPLES / "sample.odt").read_bytes(), "application/vnd.oasis.opendocument.text"),
    ("clip.mp4", MP4, "video/mp4"),
    ("voice.mp3", (SAMPLES / "sample.mp3").read_bytes(), "audio/mpeg"),
]


@pytest.mark.parametrize(("name", "content", "mime"), ACCEPTED, ids=[case[0] for case in ACCEPTED])
def test_each_default_kind_is_accepted_by_its_content(name: str, content: bytes, mime: str) -> None:
    assert file_types.check_file(name, content, allowed=ALL).mime == mime


REFUSED = [
    ("tool.pdf", Path(sys.executable).resolve().read_bytes()[:8192], "is a program or script"),
    ("setup.exe", _windows_program(), "is a program or script"),
    ("notes.txt", _windows_program(), "is a program or script"),
    ("app.zip", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 64, "is a program or script"),
    ("run.txt", b"#!/bin/sh\nrm -rf ~\n", "is a program or script"),
    ("page.html", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "a web page (HTML)"),
    ("page.txt", b"  <html><body onload=alert(1)>hi</body></html>", "a web page (HTML)"),
    ("notes.md", b"# Notes\n\n<script>fetch('/api')</script>\n", "is not a real Markdown text"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "an SVG image"),
    ("logo.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "an SVG image"),
    ("photo.png", (SAMPLES / "python.jpg").read_bytes(), "is not a real PNG image"),
    ("report.pdf", b"just some words, not a PDF", "is not a real PDF"),
    ("report.docx", _zip({"a.txt": b"a"}), "is not a real Word document"),
    ("data.csv", b"name\x00\x01\x02", "is not a real CSV table"),
    ("latin1.txt", "caf\xe9".encode("latin-1"), "is not a real plain text"),
    ("picture.bmp", b"BM" + b"\x00" * 60, "files of this type are not accepted"),
    ("noextension", b"plain words", "files of this type are not accepted"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED, ids=[case[0] for case in REFUSED])
def test_programs_web_pages_svg_and_disguised_files_are_refused_naming_the_file(
    name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as refused:
        file_types.check_file(name, content, allowed=ALL)
    assert str(refused.value).startswith(name)


def test_a_text_that_merely_starts_with_mz_is_still_text() -> None:
    assert file_types.check_file("notes.txt", b"MZ notes: all done", allowed=ALL).name == "txt"


def test_the_allow_list_is_a_setting_and_unknown_kinds_refuse_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DELIVERY_FILE_TYPES", "pdf, png")
    get_settings.cache_clear()
    assert get_settings().delivery_file_kinds == ("pdf", "png")
    with pytest.raises(ValueError, match="Accepted: PDF, PNG image"):
        check_files([IncomingFile("table.csv", b"a,b\n1,2\n")])
    check_files([IncomingFile("brief.pdf", PDF)])
    with pytest.raises(ValueError, match="unknown file kinds exe"):
        Settings(DELIVERY_FILE_TYPES="pdf,exe")  # type: ignore[call-arg]


def test_the_stored_type_is_the_checked_kind_not_a_guess_from_the_name() -> None:
    stored = store(IncomingFile("photo.jpeg", (SAMPLES / "python.jpg").read_bytes()))
    assert stored.content_type == "image/jpeg"


def test_a_refused_file_stores_nothing_and_leaves_the_contract_as_it_was(deal: Deal) -> None:
    fund(deal)
    files_dir = get_settings().resolved_private_files_dir
    before = sorted(p.name for p in files_dir.glob("*"))
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        deliveries.submit_delivery(
            session,
            viewer=deal.contractor,
            contract_id=deal.contract_id,
            message="Here it is.",
            files=[IncomingFile("notes.txt", b"fine"), IncomingFile("invoice.pdf", _windows_program())],
        )
    assert refused.value.fields["files"].startswith("invoice.pdf is a program")
    assert deal.load().status == "funded"
    with read_scope() as session:
        assert session.exec(select(DeliveryFile)).all() == []
    assert sorted(p.name for p in files_dir.glob("*")) == before
