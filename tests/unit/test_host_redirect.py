"""A page opened on another host than APP_URL's is redirected to the same path there; probes, the websocket's
transport and non-GET requests are served where they arrive."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from jtbd_app.api.host_redirect import host_redirect, hostname, redirect_target
from jtbd_app.config import get_settings

APP = "http://localhost:3000"


def target(host: str | None, path: str = "/", query: str = "", method: str = "GET", app: str = APP) -> str | None:
    return redirect_target(app, method=method, path=path, query=query, host=host)


@pytest.mark.parametrize(
    ("authority", "name"),
    [("localhost:3000", "localhost"), ("LocalHost", "localhost"), ("[::1]:3000", "::1"), ("10.0.0.7", "10.0.0.7")],
)
def test_the_host_name_is_read_from_the_authority(authority: str, name: str) -> None:
    assert hostname(authority) == name


def test_the_apps_own_host_is_served_whatever_the_port_or_case() -> None:
    assert target("localhost:3000") is None
    assert target("LOCALHOST:3000", "/listings/1") is None
    assert target("localhost") is None  # a proxy in front may drop the port
    assert target("example.com", app="https://example.com") is None


@pytest.mark.parametrize("host", ["127.0.0.1:3000", "[::1]:3000", "192.168.1.20:3000", "old.example.com"])
def test_another_host_goes_to_the_same_path_and_query_on_app_url(host: str) -> None:
    assert target(host, "/marketplace", "q=logo&sort=new") == "http://localhost:3000/marketplace?q=logo&sort=new"
    assert target(host) == "http://localhost:3000/"


def test_a_loopback_address_goes_to_a_localhost_app_url_and_the_other_way_round() -> None:
    """One origin in development: the session cookie, the websocket's origin and the sign-in callbacks match."""
    assert target("127.0.0.1:3000", "/login") == "http://localhost:3000/login"
    assert target("localhost:8000", "/login", app="http://127.0.0.1:8000") == "http://127.0.0.1:8000/login"


def test_the_redirect_keeps_app_urls_scheme_and_port_but_not_its_path() -> None:
    assert target("10.0.0.7", "/tasks", app="https://jobs.example.com/") == "https://jobs.example.com/tasks"
    assert target("10.0.0.7", "/tasks", app="http://jobs.example.com:8080") == "http://jobs.example.com:8080/tasks"


def test_a_path_that_looks_like_a_host_stays_a_path_on_app_url() -> None:
    assert target("evil.example", "//evil.example/x") == "http://localhost:3000//evil.example/x"


@pytest.mark.parametrize("path", ["/ping", "/_health", "/healthz", "/_event", "/_event/"])
def test_health_probes_and_the_websockets_transport_are_not_redirected(path: str) -> None:
    assert target("10.0.0.7", path) is None


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS"])
def test_only_get_and_head_are_redirected(method: str) -> None:
    assert target("10.0.0.7", "/api/stripe/webhook", method=method) is None
    assert target("10.0.0.7", "/", method="HEAD") == "http://localhost:3000/"


def test_a_request_without_a_host_is_served() -> None:
    assert target(None) is None
    assert target("") is None


def _app_url(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("APP_URL", url)
    get_settings.cache_clear()


def _run(scope: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    sent: list[dict[str, Any]] = []
    reached = False

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        nonlocal reached
        reached = True

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        sent.append(message)

    anyio.run(host_redirect(inner), scope, receive, send)
    return sent, reached


def _scope(host: str, path: str = "/", **extra: Any) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": b"",
        "headers": [(b"host", host.encode())],
    } | extra


def test_the_wrapper_answers_307_with_the_location_before_the_app_sees_the_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _app_url(monkeypatch, APP)
    sent, reached = _run(_scope("127.0.0.1:3000", "/listings/1", raw_path=b"/listings/1", query_string=b"tab=bids"))
    assert not reached
    assert sent[0]["status"] == 307
    assert dict(sent[0]["headers"])[b"location"] == b"http://localhost:3000/listings/1?tab=bids"


def test_the_wrapper_keeps_a_percent_encoded_path_as_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    _app_url(monkeypatch, APP)
    sent, _ = _run(_scope("127.0.0.1:3000", "/u/zoë", raw_path=b"/u/zo%C3%AB"))
    assert dict(sent[0]["headers"])[b"location"] == b"http://localhost:3000/u/zo%C3%AB"


def test_the_wrapper_trusts_a_proxys_forwarded_host(monkeypatch: pytest.MonkeyPatch) -> None:
    _app_url(monkeypatch, "https://jobs.example.com")
    _, reached = _run(_scope("app:3000", headers=[(b"host", b"app:3000"), (b"x-forwarded-host", b"jobs.example.com")]))
    assert reached


def test_the_wrapper_passes_the_apps_own_host_and_the_websocket_through(monkeypatch: pytest.MonkeyPatch) -> None:
    _app_url(monkeypatch, APP)
    assert _run(_scope("localhost:3000"))[1]
    assert _run({"type": "websocket", "path": "/_event", "headers": [(b"host", b"127.0.0.1:3000")]})[1]
