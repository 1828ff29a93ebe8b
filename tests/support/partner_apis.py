"""A local server (aiohttp, in a thread, on a free port) that answers like the four partner APIs the Delegate menu
calls, so their adapters are tested over real HTTP: the Amazon Creators API (token, then SearchItems), the Instacart
Developer Platform (products_link), Upwork's GraphQL endpoint (createJobPosting) and Thumbtack's v4 API (businesses
search, then requests).

Each endpoint checks its credentials as the real one does (401 otherwise) and answers from what it was sent. A test
scripts faults per endpoint, used one per request in order: an error status, a body that is not JSON, another JSON
body (a foreign link, GraphQL errors), or a stall longer than the adapter's timeout. Every request is recorded.

    with PartnerAPIs() as apis:
        apis.fault("amazon.search", Fault(status=429))
        partner = AmazonPartner(apis.options("amazon"), timeout=1.0)
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.app_server import free_port

AMAZON_ID, AMAZON_SECRET, AMAZON_TAG = "amzn-credential-id", "amzn-credential-secret-0123", "jtbd-20"
INSTACART_KEY = "keys.instacart-test-0123456789"
UPWORK_TOKEN, UPWORK_ORG = "oauth2v2_upwork-test-token", "424242"
THUMBTACK_TOKEN = "thumbtack-partner-token-0123"
ENDPOINTS = (
    "amazon.token",
    "amazon.search",
    "instacart.products_link",
    "upwork.graphql",
    "thumbtack.search",
    "thumbtack.requests",
)


@dataclass(frozen=True)
class Fault:
    """How the next request to an endpoint is answered instead of normally: after `delay` seconds, with `status`
    and `body` (raw text) or `json` (an object), a byte every `drip` seconds if set; `status` alone gives the API's
    usual error body."""

    status: int = 200
    body: str | None = None
    json: dict[str, Any] | None = None
    delay: float = 0.0
    drip: float = 0.0  # seconds between the bytes of a body sent one at a time


@dataclass
class Seen:
    endpoint: str
    headers: dict[str, str]
    body: Any


@dataclass
class PartnerAPIs:
    port: int = field(default_factory=free_port)
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="partner-apis", daemon=True)
        self._runner: web.AppRunner | None = None
        self.tokens_issued = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def options(self, partner: str) -> str:
        """The partner's setting (PARTNER_<NAME>) for an adapter that talks to this server."""
        return {
            "amazon": f"tag={AMAZON_TAG}&credential_id={AMAZON_ID}&credential_secret={AMAZON_SECRET}&api_base={self.url}",
            "instacart": f"api_key={INSTACART_KEY}&api_base={self.url}&utm_source=jtbd",
            "upwork": f"access_token={UPWORK_TOKEN}&organization_id={UPWORK_ORG}&api_base={self.url}",
            "thumbtack": f"access_token={THUMBTACK_TOKEN}&utm_source=jtbd&api_base={self.url}",
        }[partner]

    def fault(self, endpoint: str, *faults: Fault) -> None:
        assert endpoint in ENDPOINTS, endpoint
        self._faults[endpoint].extend(faults)

    def calls(self, endpoint: str) -> list[Seen]:
        return [s for s in self.seen if s.endpoint == endpoint]

    def reset(self) -> None:
        self._faults.clear()
        self.seen.clear()
        self.tokens_issued = 0

    def __enter__(self) -> PartnerAPIs:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        app = web.Application()
        routes: dict[str, tuple[str, Callable[[web.Request, Any], Awaitable[web.Response]]]] = {
            "amazon.token": ("/auth/o2/token", self._amazon_token),
            "amazon.search": ("/catalog/v1/searchItems", self._amazon_search),
            "instacart.products_link": ("/idp/v1/products/products_link", self._instacart_link),
            "upwork.graphql": ("/graphql", self._upwork_graphql),
            "thumbtack.search": ("/api/v4/businesses/search", self._thumbtack_search),
            "thumbtack.requests": ("/api/v4/requests", self._thumbtack_request),
        }
        for endpoint, (path, handler) in routes.items():
            app.router.add_post(path, self._endpoint(endpoint, handler))
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def _endpoint(
        self, endpoint: str, handler: Callable[[web.Request, Any], Awaitable[web.Response]]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def answer(request: web.Request) -> web.Response:
            raw = await request.read()
            if request.content_type == "application/x-www-form-urlencoded":
                body: Any = dict((await request.post()).items())
            else:
                try:
                    body = json.loads(raw or b"null")
                except ValueError:
                    return web.json_response({"error": "bad JSON"}, status=400)
            self.seen.append(Seen(endpoint, dict(request.headers), body))
            faults = self._faults[endpoint]
            if faults:
                fault = faults.popleft()
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.json is not None:
                    return web.json_response(fault.json, status=fault.status)
                if fault.body is not None:
                    return web.Response(text=fault.body, status=fault.status, content_type="application/json")
                if fault.status != 200:
                    return web.json_response({"error": {"message": "scripted failure"}}, status=fault.status)
            return await handler(request, body)

        async def answer_or_drip(request: web.Request) -> web.StreamResponse:
            faults = self._faults[endpoint]
            if faults and faults[0].drip:
                return await self._drip(request, endpoint, faults.popleft())
            return await answer(request)

        return answer_or_drip

    async def _drip(self, request: web.Request, endpoint: str, fault: Fault) -> web.StreamResponse:
        """An answer that keeps arriving, one byte at a time: every read succeeds, the whole never comes in time."""
        self.seen.append(Seen(endpoint, dict(request.headers), await request.read()))
        response = web.StreamResponse(status=fault.status, headers={"Content-Type": "application/json"})
        await response.prepare(request)
        for byte in (fault.body or json.dumps(fault.json or {})).encode():
            await asyncio.sleep(fault.drip)
            await response.write(bytes([byte]))
        await response.write_eof()
        return response

    @staticmethod
    def _bearer(request: web.Request, token: str) -> bool:
        return request.headers.get("Authorization") == f"Bearer {token}"

    async def _amazon_token(self, request: web.Request, form: Any) -> web.Response:
        if form.get("client_id") != AMAZON_ID or form.get("client_secret") != AMAZON_SECRET:
            return web.json_response({"error": "invalid_client"}, status=401)
        if form.get("grant_type") != "client_credentials" or form.get("scope") != "creatorsapi::default":
            return web.json_response({"error": "invalid_request"}, status=400)
        self.tokens_issued += 1
        return web.json_response(
            {"access_token": f"amzn-access-{self.tokens_issued}", "token_type": "bearer", "expires_in": 3600}
        )

    async def _amazon_search(self, request: web.Request, body: Any) -> web.Response:
        if not request.headers.get("Authorization", "").startswith("Bearer amzn-access-"):
            return web.json_response({"errors": [{"code": "Unauthorized"}]}, status=401)
        if body.get("partnerTag") != AMAZON_TAG or not request.headers.get("x-marketplace"):
            return web.json_response({"errors": [{"code": "InvalidPartnerTag"}]}, status=400)
        words = str(body.get("keywords", ""))
        items = [
            {
                "asin": f"B00000000{n}",
                "detailPageURL": f"https://www.amazon.com/dp/B00000000{n}?tag={AMAZON_TAG}&linkCode=ogi",
                "itemInfo": {"title": {"displayValue": f"{words.title()} pack of {n + 1}"}},
                "images": {"primary": {"medium": {"url": f"https://m.media-amazon.com/images/I/{n}.jpg"}}},
                "offersV2": {"listings": [{"price": {"money": {"amount": 9.99 + n, "currency": "USD"}}}]},
            }
            for n in range(min(int(body.get("itemCount", 3)), 3))
        ]
        return web.json_response({"searchResult": {"totalResultCount": len(items), "items": items}})

    async def _instacart_link(self, request: web.Request, body: Any) -> web.Response:
        if not self._bearer(request, INSTACART_KEY):
            return web.json_response({"error": {"message": "Unauthorized"}}, status=401)
        if not body.get("line_items"):
            return web.json_response({"error": {"message": "line_items is required"}}, status=400)
        return web.json_response({"products_link_url": "https://www.instacart.com/store/shopping_lists/7741"})

    async def _upwork_graphql(self, request: web.Request, body: Any) -> web.Response:
        if not self._bearer(request, UPWORK_TOKEN):
            return web.json_response({"message": "Authentication failed"}, status=401)
        if "createJobPosting" not in str(body.get("query", "")):
            return web.json_response({"errors": [{"message": "Unknown operation"}]})
        posting = (body.get("variables") or {}).get("request") or {}
        if not posting.get("title") or not posting.get("description"):
            return web.json_response({"errors": [{"message": "title required", "extensions": {"code": "BAD_INPUT"}}]})
        return web.json_response({"data": {"createJobPosting": {"id": "~01f00dcafe", "url": None}}})

    async def _thumbtack_search(self, request: web.Request, body: Any) -> web.Response:
        if not self._bearer(request, THUMBTACK_TOKEN):
            return web.json_response({"error": "unauthorized"}, status=401)
        if not body.get("zipCode") or not (body.get("utmData") or {}).get("utm_source"):
            return web.json_response({"error": "zipCode and utmData.utm_source are required"}, status=400)
        pros = [
            {"businessID": f"47928867700412416{n}", "businessName": f"Pro {n}", "serviceID": f"53300{n}",
             "categoryID": "219264413294461288"}
            for n in range(2)
        ]  # fmt: skip
        return web.json_response({"searchID": "545691258236567552", "data": pros})

    async def _thumbtack_request(self, request: web.Request, body: Any) -> web.Response:
        if not self._bearer(request, THUMBTACK_TOKEN):
            return web.json_response({"error": "unauthorized"}, status=401)
        if not body.get("searchID") or not body.get("serviceIDs") or not body.get("categoryID"):
            return web.json_response({"error": "searchID, serviceIDs and categoryID are required"}, status=400)
        return web.json_response({"request": {"requestID": "548955282027569156", "description": body["description"]}})
