"""Every plain HTTP route of the app (enumerated from `create_api()`, plus Reflex's upload, ping and health routes)
sent generated query strings, path parameters, headers and bodies, anonymously and with the stranger's cookie: never
a 5xx, nothing private in a response, and no row changed but the stranger's own."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Route

from jtbd_app.api.app import create_api
from jtbd_app.db import get_engine
from jtbd_app.models import LoginThrottle
from jtbd_app.state.contracts import ContractState
from tests.support import db_snapshot
from tests.support.app_server import AppServer
from tests.support.hostile_battery import hostile_values
from tests.support.hostile_world import World

EXAMPLES = 40  # per route and method: about 1,000 requests in all
REFLEX_ROUTES = [("/_upload", "POST"), ("/ping", "GET"), ("/_health", "GET")]
# the pages whose served HTML `share_pages` fills from the database (a listing's or a profile's tags)
SHARE_PAGES = [("/listings/{id}", "GET"), ("/listings/{id}", "HEAD"), ("/u/{username}", "GET")]
WRITTEN_ON_ANY_CALL = {str(LoginThrottle.__tablename__): "a refused sign-in is counted (the throttle)"}


def app_routes() -> list[tuple[str, str]]:
    """(path, method) of every route the app mounts, from its own route table."""
    found = [
        (route.path, method)
        for route in create_api().routes
        if isinstance(route, Route)
        for method in sorted(route.methods or {"GET"})
        if method != "HEAD"
    ]
    return found + REFLEX_ROUTES + SHARE_PAGES


ROUTES = app_routes()
_before: dict[str, db_snapshot.Snapshot] = {}

texts = st.text(max_size=300) | st.sampled_from(["", "A" * 6_000, "<script>alert(1)</script>", "' OR 1=1 --", "\u00b2"])
# Header values as HTTP allows them (visible ASCII; httpx refuses to send a value with surrounding spaces).
header_text = st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=200)
HEADER_NAMES = [
    "Origin",
    "Referer",
    "Content-Type",
    "Stripe-Signature",
    "X-Forwarded-For",
    "reflex-client-token",
    "reflex-event-handler",
    "Authorization",
]


@pytest.fixture(scope="module")
def http_before(world: World) -> db_snapshot.Snapshot:
    return _before.setdefault("db", db_snapshot.take(get_engine()))


def _ids(world: World) -> list[str]:
    return [str(v) for _, v in hostile_values(world) if isinstance(v, int | str) and len(str(v)) < 1000]


def _request(draw: Any, path: str, method: str, world: World) -> dict[str, Any]:
    params = {name: draw(st.sampled_from(_ids(world)) | texts) for name in re.findall(r"{(\w+)}", path)}
    url_path = path.format(**{k: quote(v, safe="") or "x" for k, v in params.items()})
    query = draw(st.dictionaries(st.sampled_from(["grant", "next", "state", "code", "payouts", "id"]) | texts, texts))
    headers = draw(st.dictionaries(st.sampled_from(HEADER_NAMES), header_text, max_size=4))
    cookie = draw(st.sampled_from([None, world.stranger_http_cookie, "jtbd_session=forged"]))
    if cookie:
        headers["Cookie"] = cookie
    request: dict[str, Any] = {"method": method, "url": url_path, "params": query, "headers": headers}
    if path == "/_upload":
        handler = draw(st.sampled_from([f"{ContractState.get_full_name()}.submit_delivery"]) | header_text)
        headers.update({"reflex-client-token": draw(header_text), "reflex-event-handler": handler})
        request["files"] = {
            "files": (draw(texts.filter(lambda t: len(t) < 200)) or "f", draw(st.binary(max_size=5000)))
        }
    elif method == "POST":
        big = st.sampled_from([b"A" * 100_000, b'{"id": 1, "type": "payment_intent.succeeded"}'])
        request["content"] = draw(st.binary(max_size=20_000) | texts.map(str.encode) | big)
    return request


@pytest.mark.parametrize(("path", "method"), ROUTES, ids=[f"{m} {p}" for p, m in ROUTES])
def test_generated_requests_never_fail_the_server_or_leak(
    path: str, method: str, app_server: AppServer, world: World, http_before: db_snapshot.Snapshot
) -> None:
    with httpx.Client(base_url=app_server.url, timeout=30, follow_redirects=False) as client:

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(st.data())
        def one(data: st.DataObject) -> None:
            request = _request(data.draw, path, method, world)
            response = client.request(**request)
            assert response.status_code < 500, f"{request['method']} {request['url']}: {response.status_code}"
            seen = response.text + str(response.headers)
            leaked = [label for label, secret in world.private.items() if secret in seen]
            assert not leaked, f"{request['method']} {request['url']} sent {leaked}"

        one()


def test_the_generated_requests_changed_no_row_but_the_strangers_own(
    http_before: db_snapshot.Snapshot, world: World
) -> None:
    """Runs after the routes' tests (file order): signing the stranger out is the stranger's own row."""
    snaps = (http_before, db_snapshot.take(get_engine()))
    foreign = [
        f"{table} {key}"
        for table, change in db_snapshot.diff(*snaps).items()
        if table not in WRITTEN_ON_ANY_CALL
        for key in change.rows()
        if not db_snapshot.belongs_to(snaps, table, key, world.stranger_id)
    ]
    assert not foreign, "Rows that are not the stranger's changed:\n" + "\n".join(foreign[:40])


def test_every_route_is_covered() -> None:
    paths = {p for p, _ in ROUTES}
    assert {"/api/stripe/webhook", "/api/contracts/files/{file_id}", "/_upload", "/healthz", "/u/{username}"} <= paths
