"""Whose request it is: the socket peer, unless the peer is a trusted proxy (TRUSTED_PROXIES); then X-Forwarded-For
read right to left past the trusted hops. Checked on the rule, then through the request guard that puts the answer
in front of every route and the websocket."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from jtbd_app.api.request_guard import request_guard
from jtbd_app.config import get_settings
from jtbd_app.domain.client_address import client_address, parse_networks

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


def test_reflex_is_not_allowed_to_believe_forwarded_for_by_its_own_hop_count() -> None:
    """Reflex's REFLEX_TRUSTED_PROXY_HOPS would take X-Forwarded-For from any peer, after the guard: refused."""
    env = {**os.environ, "REFLEX_TRUSTED_PROXY_HOPS": "1"}
    run = subprocess.run([sys.executable, "-c", "import rxconfig"], cwd=ROOT, env=env, capture_output=True, text=True)

    assert run.returncode != 0 and "list the reverse proxies in TRUSTED_PROXIES" in run.stderr
