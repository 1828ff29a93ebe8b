"""Oversized bodies sent to the running app are cut off while they stream: the server answers at once and its memory
and its temporary files stay where they were."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlmodel import select

from jtbd_app.db import session_scope
from jtbd_app.models import User
from jtbd_app.services.viewer import SESSION_COOKIE
from tests.support.app_server import AppServer
from tests.support.members import session_token

CHUNK = b"z" * (1024 * 1024)


UPLOAD_HEADERS = {
    "reflex-client-token": "someone-elses-tab",
    "reflex-event-handler": "reflex___state____state.jtbd_app___state___session____session_state"
    ".jtbd_app___state___contracts____contract_state.submit_delivery",
    "content-type": "multipart/form-data; boundary=XyZ",
}


class Gigabyte:
    """A request body of up to 1 GiB with no declared length, counting what the client managed to send."""

    def __init__(self, *, multipart: bool = False) -> None:
        self.sent = 0
        self.multipart = multipart

    def __iter__(self) -> Iterator[bytes]:
        if self.multipart:
            yield b'--XyZ\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n\r\n'
        for _ in range(1024):
            self.sent += len(CHUNK)
            yield CHUNK


def _server_rss_kb(server: AppServer) -> int:
    """The resident memory of every process of the app (launcher and workers)."""
    assert server.process is not None
    pids = subprocess.run(["pgrep", "-s", str(server.process.pid)], capture_output=True, text=True).stdout.split()
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


def _temp_bytes() -> int:
    return sum(p.stat().st_size for p in Path(tempfile.gettempdir()).glob("tmp*") if p.is_file())


def _post(url: str, body: Gigabyte, **headers: str) -> httpx.Response | None:
    try:
        return httpx.post(url, content=body, headers=headers, timeout=60)
    except httpx.HTTPError:
        return None  # the server may close the connection once it has answered


def test_a_members_gigabyte_upload_is_cut_off_at_the_file_limit(app_server: AppServer, app_database: None) -> None:
    with session_scope() as session:
        liam = session.exec(select(User).where(User.username == "liam")).one()
    token = session_token(liam)
    before_rss, before_tmp = _server_rss_kb(app_server), _temp_bytes()
    body = Gigabyte(multipart=True)

    response = _post(f"{app_server.url}/_upload", body, cookie=f"{SESSION_COOKIE}={token}", **UPLOAD_HEADERS)

    assert response is None or response.status_code == 413
    assert body.sent < 128 * 1024 * 1024, f"the server kept reading: {body.sent} bytes"
    assert _server_rss_kb(app_server) - before_rss < 64 * 1024
    assert _temp_bytes() - before_tmp < 16 * 1024 * 1024


def test_an_anonymous_gigabyte_upload_is_refused_before_it_is_read(app_server: AppServer) -> None:
    before_rss, before_tmp = _server_rss_kb(app_server), _temp_bytes()
    body = Gigabyte()

    response = _post(f"{app_server.url}/_upload", body, **UPLOAD_HEADERS)

    assert response is None or response.status_code == 401
    assert body.sent < 128 * 1024 * 1024, f"the server kept reading: {body.sent} bytes"
    assert _server_rss_kb(app_server) - before_rss < 64 * 1024
    assert _temp_bytes() - before_tmp < 16 * 1024 * 1024
