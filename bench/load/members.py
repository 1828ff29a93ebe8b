"""A simulated member: signs in through the app's own sign-in flow, then browses, searches, opens listings, bids,
messages and funds a contract in the sandbox, each as the browser would send it, timed into a `Recorder`."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import reflex as rx
import socketio

from bench.listing_data import search_params, typo_search_params
from bench.load.seed import PASSWORD, username
from bench.load.stats import Recorder
from bench.load.tab import Answer, EventFailed, Tab
from jtbd_app.domain.messages import RATE_LIMIT, RATE_WINDOW_SECONDS
from jtbd_app.services.viewer import SESSION_COOKIE
from jtbd_app.state.auth import LoginState
from jtbd_app.state.contracts import ContractState
from jtbd_app.state.listings import ListingState
from jtbd_app.state.marketplace import MarketplaceState
from jtbd_app.state.messages import ThreadState


def handler(state: type[rx.State], name: str) -> str:
    """The event name a browser sends for `state.name`. Reflex answers an event for a handler that does not exist as
    it answers one that changes nothing, so a name that is not (or no longer) a handler must fail here, loudly."""
    if name not in state.event_handlers:
        raise LookupError(f"{state.__name__} has no event handler {name!r}: update bench/load/members.py")
    return f"{state.get_full_name()}.{name}"


SUBMIT_LOGIN = handler(LoginState, "submit_login")
PING = handler(MarketplaceState, "ping")
PLACE_BID = handler(ListingState, "place_bid")
SEND_MESSAGE = handler(ThreadState, "send_message")
FUND_CONTRACT = handler(ContractState, "fund")
LISTING = ListingState.get_full_name()
THREAD = ThreadState.get_full_name()
CONTRACT = ContractState.get_full_name()
TEST_CARD = "4242 4242 4242 4242"  # the sandbox's card that pays

F0 = "F0 set_is_hydrated"
F1 = "F1 MarketplaceState.ping"
BROWSE = "browse /marketplace"
SEARCH = "search (words)"
FILTERED = "search + filters"
TYPO = "search with a typo"
LISTING_PAGE = "open a listing"
BID = "bid"
MESSAGE = "message"
FUND = "fund (sandbox)"
SIGN_IN = "sign in (form)"
ACTIONS = [BROWSE, SEARCH, FILTERED, TYPO, LISTING_PAGE, BID, MESSAGE, FUND]
WORDS = ["logo", "website", "python", "cleaning", "wedding", "translate", "podcast", "furniture", "seo", "bakery"]
MIX = {BROWSE: 4, SEARCH: 4, FILTERED: 3, TYPO: 1, LISTING_PAGE: 5, BID: 1, MESSAGE: 1, FUND: 1}
_GRANT = re.compile(r"jtbd_grant_nonce=([\w-]+).*?/api/auth/complete\?grant=([\w-]+)")


class SignInFailed(Exception):
    pass


# what a sign-in can fail with: the app's answer, the cookie route's, the connection
SIGN_IN_ERRORS = (EventFailed, SignInFailed, OSError, httpx.HTTPError, socketio.exceptions.ConnectionError)


@dataclass
class World:
    """What the run knows of the data: listing ids to pick from, and each funder's contracts awaiting payment."""

    listings: int
    contracts: dict[int, list[int]] = field(default_factory=dict)
    sent: dict[int, list[float]] = field(default_factory=dict)  # when each member sent messages (monotonic s)


class Member:
    def __init__(self, number: int, url: str, world: World, recorder: Recorder, *, seed: int = 0) -> None:
        self.number, self.url, self.world, self.recorder = number, url.rstrip("/"), world, recorder
        self.rng = random.Random(seed * 100_003 + number)
        self.tab: Tab | None = None
        self.bid_on: list[tuple[int, str]] = []  # (listing id, its poster's username)
        self.thread = 0
        self.searches = search_params(200, seed=self.rng.randint(0, 10**6))
        self.typos = typo_search_params(200, seed=self.rng.randint(0, 10**6))

    # --- signing in -------------------------------------------------------------------------------------------

    async def sign_in(self) -> None:
        """The login page's form over the websocket, then the grant traded for the session cookie by the app's route,
        then a new tab (a full page load) with the cookie."""
        login = Tab(self.url)
        try:
            await login.open("/login")
            answer = await self.recorder.timed(
                SIGN_IN,
                login.call(SUBMIT_LOGIN, {"form": {"identifier": username(self.number), "password": PASSWORD}}),
            )
        finally:
            await login.close()
        found = _GRANT.search(str(answer.events()))
        if not found:
            raise SignInFailed(f"{username(self.number)}: no grant in the answer")
        nonce, grant = found.groups()
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as http:
            response = await http.get(
                "/api/auth/complete", params={"grant": grant}, cookies={"jtbd_grant_nonce": nonce}
            )
        token = response.cookies.get(SESSION_COOKIE)
        if response.status_code != 303 or not token:
            raise SignInFailed(f"{username(self.number)}: the cookie route answered {response.status_code}")
        self.tab = Tab(self.url, cookie=f"{SESSION_COOKIE}={token}")
        await self.tab.open("/marketplace")

    async def close(self) -> None:
        if self.tab is not None:
            await self.tab.close()

    # --- the actions ------------------------------------------------------------------------------------------

    @property
    def sent(self) -> list[float]:
        return self.world.sent.setdefault(self.number, [])

    def can(self, action: str) -> bool:
        """Whether the member has something to do it with: a contract left to fund, or room under the app's limit
        of messages a minute (a person writing that fast is refused; the load stays under it)."""
        if action == FUND:
            return bool(self.world.contracts.get(self.number))
        if action == MESSAGE:
            now = time.monotonic()
            sent = self.world.sent[self.number] = [t for t in self.sent if now - t < RATE_WINDOW_SECONDS + 2]
            return len(sent) < RATE_LIMIT - 1  # a margin: the app counts by its own clock
        return True

    def runners(self) -> dict[str, Callable[[], Awaitable[Any]]]:
        return {
            F0: self.floor_f0,
            F1: self.floor_f1,
            BROWSE: lambda: self._page(BROWSE, "/marketplace"),
            SEARCH: lambda: self._page(SEARCH, "/marketplace", {"q": self.rng.choice(WORDS)}),
            FILTERED: lambda: self._page(FILTERED, "/marketplace", self.rng.choice(self.searches)),
            TYPO: lambda: self._page(TYPO, "/marketplace", {"q": self.rng.choice(self.typos)["q"]}),
            LISTING_PAGE: lambda: self._page(LISTING_PAGE, f"/listings/{self.rng.randint(1, self.world.listings)}"),
            BID: self.bid,
            MESSAGE: self.message,
            FUND: self.fund,
        }

    def pick(self) -> str:
        mix = {name: weight for name, weight in MIX.items() if self.can(name)}
        return self.rng.choices(list(mix), list(mix.values()))[0]

    async def floor_f0(self) -> None:
        tab = self._tab()
        for value in (False, True):
            await self.recorder.timed(F0, tab.set_hydrated(value))

    async def floor_f1(self) -> None:
        tab = self._tab()
        if tab.route["pathname"] != "/marketplace":
            await tab.navigate("/marketplace")
        await self.recorder.timed(F1, tab.call(PING))

    async def _page(self, action: str, path: str, query: dict[str, str] | None = None) -> Answer:
        return await self.recorder.timed(action, self._tab().navigate(path, query))

    async def bid(self) -> None:
        """Open a listing not yet bid on and not the member's own, then place a bid on it."""
        tab = self._tab()
        for _ in range(20):
            listing_id = self.rng.randint(1, self.world.listings)
            if any(listing_id == done for done, _ in self.bid_on):
                continue
            page = await self._page(LISTING_PAGE, f"/listings/{listing_id}")
            detail = page.var(LISTING, "listing") or {}
            if detail.get("can_bid") and not detail.get("is_owner") and not detail.get("bids"):
                break
        else:
            raise EventFailed("found no listing to bid on")
        answer = await self.recorder.timed(BID, tab.call(PLACE_BID, {"form": dict(BID_FORM)}))
        errors = answer.var(LISTING, "errors")
        if errors:
            self.recorder.refused(BID, str(errors))
            return
        self.bid_on.append((listing_id, (detail.get("poster") or {}).get("username", "")))

    async def message(self) -> None:
        """Write to the poster of a listing the member bid on (the conversation opened once, as its link does)."""
        tab = self._tab()
        if not self.thread:
            if not self.bid_on:
                await self.bid()
            if not self.bid_on:  # the bid was refused (counted as the bid's error): nobody to write to yet
                raise EventFailed("no conversation to open: the member's bid was refused")
            listing_id, poster = self.bid_on[-1]
            opened = await self.recorder.timed(
                "open a conversation", tab.navigate("/messages/open", {"listing": str(listing_id), "with": poster})
            )
            found = re.search(r"/messages/(\d+)", str(opened.events()))
            if not found:
                raise EventFailed(f"no conversation opened: {str(opened.messages)[:200]}")
            self.thread = int(found.group(1))
        if tab.route["pathname"] != f"/messages/{self.thread}":
            await tab.navigate(f"/messages/{self.thread}")
        body = f"Hello, a question about the work ({self.rng.randint(1, 10**6)})."
        self.sent.append(time.monotonic())
        answer = await self.recorder.timed(MESSAGE, tab.call(SEND_MESSAGE, {"form": {"body": body}}))
        if answer.var(THREAD, "errors"):
            self.recorder.refused(MESSAGE, str(answer.var(THREAD, "errors")))

    async def fund(self) -> None:
        """Open the next contract awaiting the member's payment and pay it with the sandbox's test card."""
        queue = self.world.contracts.get(self.number) or []
        if not queue:
            return
        contract_id = queue.pop(0)
        tab = self._tab()
        await self.recorder.timed("open a contract", tab.navigate(f"/contracts/{contract_id}"))
        answer = await self.recorder.timed(FUND, tab.call(FUND_CONTRACT, {"form": {"card": TEST_CARD}}))
        if answer.var(CONTRACT, "errors"):
            self.recorder.refused(FUND, str(answer.var(CONTRACT, "errors")))

    def _tab(self) -> Tab:
        if self.tab is None:
            raise EventFailed("not signed in")
        return self.tab


BID_FORM = {"amount": "150", "message": "I have done this kind of work before.", "delivery_days": "7"}
