"""Only the app's own origin may open the websocket or read credentialed responses (CORS)."""

from __future__ import annotations

import socket
from urllib.parse import urlparse

import httpx

from tests.support.app_server import AppServer


def websocket_handshake_status(base_url: str, origin: str) -> int:
    """Status of a raw websocket upgrade on Reflex's event endpoint, sent with the given Origin."""
    url = urlparse(base_url)
    request = (
        f"GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {url.netloc}\r\nOrigin: {origin}\r\n"
        "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(1024).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def test_the_websocket_accepts_the_apps_own_origin(app_server: AppServer) -> None:
    assert websocket_handshake_status(app_server.url, app_server.url) == 101


def test_the_websocket_refuses_a_foreign_origin(app_server: AppServer) -> None:
    assert websocket_handshake_status(app_server.url, "http://evil.example") == 403


def test_cors_allows_only_the_apps_own_origin(app_server: AppServer) -> None:
    own = httpx.get(f"{app_server.url}/healthz", headers={"Origin": app_server.url}, timeout=10)
    foreign = httpx.get(f"{app_server.url}/healthz", headers={"Origin": "http://evil.example"}, timeout=10)
    assert own.headers.get("access-control-allow-origin") == app_server.url
    assert "access-control-allow-origin" not in foreign.headers


def test_pages_and_routes_refuse_framing_and_sniffing(app_server: AppServer) -> None:
    for path in ("/", "/login", "/healthz"):
        headers = httpx.get(f"{app_server.url}{path}", timeout=10).headers
        assert headers["x-frame-options"] == "DENY", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"].split("; "), path
        assert headers["x-content-type-options"] == "nosniff", path
        assert "strict-transport-security" not in headers, "HSTS only when served over https"
