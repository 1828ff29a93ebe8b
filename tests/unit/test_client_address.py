"""Whose request it is: the socket peer, unless the peer is a trusted proxy (TRUSTED_PROXIES); then X-Forwarded-For
read right to left past the trusted hops, and X-Forwarded-Proto for the scheme the client used. Checked on the rule,
then through the request guard that puts the answer in front of every route, the pages and the websocket."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from jtbd_app.api.request_guard import request_guard
from jtbd_app.config import get_settings
from jtbd_app.domain.client_address import client_address, forwarded_scheme, parse_networks

ROOT = Path(__file__).resolve().parents[2]
PROXIES = parse_networks("10.0.0.0/8, 2001:db8::/32")


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() -> None:
    assert client_address("203.0.113.9", ["198.51.100.1"], ()) == "203.0.113.9"


def test_a_forwarded_for_from_an_untrusted_peer_is_ignored() -> None:
    assert client_address("203.0.113.9", ["198.51.100.1"], PROXIES) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_forwarded() -> None:
    assert client_address("10.0.0.2", ["198.51.100.1"], PROXIES) == "198.51.100.1"


def test_trusted_hops_are_skipped_right_to_left_and_what_the_client_wrote_to_the_left_is_not_believed() -> None:
    forged_then_real = ["1.2.3.4, 198.51.100.1, 10.0.0.7"]
    assert client_address("10.0.0.2", forged_then_real, PROXIES) == "198.51.100.1"
    assert client_address("10.0.0.2", ["1.2.3.4", "198.51.100.1, 10.0.0.7"], PROXIES) == "198.51.100.1"


def test_garbage_in_the_chain_stops_at_the_last_address_a_trusted_hop_vouched_for() -> None:
    assert client_address("10.0.0.2", ["not-an-ip, 10.0.0.7"], PROXIES) == "10.0.0.7"


def test_ipv6_and_ports_are_read() -> None:
    assert client_address("2001:db8::5", ["[2001:db9::1]:443"], PROXIES) == "2001:db9::1"
    assert client_address("10.0.0.2", ["198.51.100.1:51000"], PROXIES) == "198.51.100.1"


def test_a_bad_trusted_proxies_setting_refuses_to_start() -> None:
    with pytest.raises(ValueError, match="TRUSTED_PROXIES: 'ten' is not an address"):
        parse_networks("10.0.0.0/8, ten")


def test_the_scheme_is_the_trusted_proxys_word_and_nobody_elses() -> None:
    assert forwarded_scheme("10.0.0.2", ["https"], PROXIES) == "https"
    assert forwarded_scheme("10.0.0.2", ["HTTP"], PROXIES) == "http"
    assert forwarded_scheme("10.0.0.2", ["http, https"], PROXIES) == "https"  # the nearest proxy's word: the last
    assert forwarded_scheme("203.0.113.9", ["https"], PROXIES) is None  # anyone may send the header
    assert forwarded_scheme("10.0.0.2", ["https"], ()) is None
    assert forwarded_scheme("10.0.0.2", [], PROXIES) is None
    assert forwarded_scheme("10.0.0.2", ["javascript"], PROXIES) is None


async def _echo_client(request: Request) -> JSONResponse:
    return JSONResponse({"client": request.client.host if request.client else ""})


async def _seen_over_http(peer: str, forwarded_for: str) -> str:
    app = request_guard(Starlette(routes=[Route("/who", _echo_client)]))
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        answer = await client.get("/who", headers={"X-Forwarded-For": forwarded_for})
    return str(answer.json()["client"])


async def _seen_by_the_websocket_handshake(peer: str, forwarded_for: str) -> str:
    """The scope the guard hands on for a websocket: Reflex takes `client_ip` from its `client`."""
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.update(scope)

    scope = {
        "type": "websocket",
        "path": "/_event/",
        "client": (peer, 40000),
        "headers": [(b"x-forwarded-for", forwarded_for.encode())],
    }

    async def nothing(*_: Any) -> Any:
        return None

    await request_guard(app)(scope, nothing, nothing)
    return str(seen["client"][0])


@pytest.fixture
def behind_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8")
    get_settings.cache_clear()


async def test_a_route_hears_the_peer_when_no_proxy_is_trusted() -> None:
    assert await _seen_over_http("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert await _seen_by_the_websocket_handshake("203.0.113.9", "198.51.100.1") == "203.0.113.9"


@pytest.mark.usefixtures("behind_a_proxy")
async def test_a_route_and_the_websocket_hear_the_forwarded_client_from_a_trusted_proxy() -> None:
    assert await _seen_over_http("10.0.0.2", "1.2.3.4, 198.51.100.1") == "198.51.100.1"
    assert await _seen_by_the_websocket_handshake("10.0.0.2", "1.2.3.4, 198.51.100.1") == "198.51.100.1"


@pytest.mark.usefixtures("behind_a_proxy")
async def test_a_forged_header_from_an_untrusted_peer_is_ignored_by_routes_and_the_websocket() -> None:
    assert await _seen_over_http("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert await _seen_by_the_websocket_handshake("203.0.113.9", "198.51.100.1") == "203.0.113.9"


async def _page_redirect(peer: str, tmp_path: Path, proto: str) -> str:
    """Where the built frontend (Reflex's static mount, as served in production) sends a page asked for without its
    trailing slash, through the guard, over a proxy that ended the client's TLS."""
    (tmp_path / "marketplace").mkdir(exist_ok=True)
    (tmp_path / "marketplace" / "index.html").write_text("<html></html>")
    pages = PrecompressedStaticFiles(directory=tmp_path, html=True, encodings=[])
    app = request_guard(Starlette(routes=[Mount("/", app=pages)]))
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://example.org") as client:
        answer = await client.get("/marketplace", headers={"X-Forwarded-Proto": proto})
    assert answer.status_code == 307
    return answer.headers["location"]


@pytest.mark.usefixtures("behind_a_proxy")
async def test_behind_a_trusted_proxy_a_page_redirect_keeps_the_clients_https(tmp_path: Path) -> None:
    assert await _page_redirect("10.0.0.2", tmp_path, "https") == "https://example.org/marketplace/"
    assert await _page_redirect("203.0.113.9", tmp_path, "https") == "http://example.org/marketplace/"


async def test_without_trusted_proxies_the_forwarded_scheme_is_not_believed(tmp_path: Path) -> None:
    assert await _page_redirect("10.0.0.2", tmp_path, "https") == "http://example.org/marketplace/"


@pytest.mark.usefixtures("behind_a_proxy")
async def test_the_websocket_hears_the_clients_scheme_from_a_trusted_proxy() -> None:
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.update(scope)

    async def nothing(*_: Any) -> Any:
        return None

    headers = [(b"x-forwarded-proto", b"https")]
    scope = {"type": "websocket", "scheme": "ws", "path": "/_event/", "client": ("10.0.0.2", 1), "headers": headers}
    await request_guard(app)(scope, nothing, nothing)
    assert seen["scheme"] == "wss"


def test_reflex_is_not_allowed_to_believe_forwarded_for_by_its_own_hop_count() -> None:
    """Reflex's REFLEX_TRUSTED_PROXY_HOPS would take X-Forwarded-For from any peer, after the guard: refused."""
    env = {**os.environ, "REFLEX_TRUSTED_PROXY_HOPS": "1"}
    run = subprocess.run([sys.executable, "-c", "import rxconfig"], cwd=ROOT, env=env, capture_output=True, text=True)

    assert run.returncode != 0 and "list the reverse proxies in TRUSTED_PROXIES" in run.stderr
