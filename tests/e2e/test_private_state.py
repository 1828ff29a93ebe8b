"""What a tab held for a member is gone once the tab no longer acts for them, and no session cookie is kept with the
tabs' states on the server."""

from __future__ import annotations

import time
import uuid

from playwright.sync_api import Page, WebSocket, expect

from tests.support.app_server import AppServer
from tests.support.browser import sign_in, unique_username
from tests.support.members import PASSWORD
from tests.support.messaging import make_deal, send

DEMO_PASSWORD = "demo-password"


def _a_members_thread_with_a_secret() -> tuple[str, int, str]:
    """A new member (password `PASSWORD`) with a thread in which their counterpart wrote a secret."""
    owner, bidder = unique_username("owner"), unique_username("bidder")
    deal = make_deal(owner, bidder)
    secret = f"private-{uuid.uuid4().hex}"
    send(deal.bidder_viewer, deal.thread_id, secret)
    return owner, deal.thread_id, secret


def _frames(page: Page) -> list[str]:
    received: list[str] = []

    def watch(ws: WebSocket) -> None:
        ws.on(
            "framereceived", lambda payload: received.append(payload if isinstance(payload, str) else payload.decode())
        )

    page.on("websocket", watch)
    return received


def test_a_signed_out_tab_rehydrates_with_nothing_of_the_member(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    member, thread_id, secret = _a_members_thread_with_a_secret()
    sign_in(page, app_server.url, member, PASSWORD)
    page.goto(f"{app_server.url}/messages/{thread_id}")
    expect(page.get_by_role("log", name="Messages").get_by_text(secret)).to_be_visible()
    page.goto(f"{app_server.url}/wallet")
    expect(page.get_by_role("heading", name="Wallet", exact=True)).to_be_visible()
    tab_token = page.evaluate("window.sessionStorage.getItem('token')")

    page.get_by_role("button", name="Sign out", exact=True).first.click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    received = _frames(page)
    page.goto(f"{app_server.url}/messages/{thread_id}")
    expect(page.get_by_text("Please sign in").first).to_be_visible()

    assert page.evaluate("window.sessionStorage.getItem('token')") == tab_token, "the same tab, the same state"
    assert received, "the page's websocket was watched"
    everything = "".join(received)
    assert secret not in everything and f"{member}@" not in everything


def test_no_session_cookie_is_kept_with_the_tabs_states(app_server: AppServer, page: Page) -> None:
    """Without Redis the tabs' states live in the worker's memory (jtbd_app/state/state_store.py): nothing of a
    signed-in tab, its session cookie least of all, is written to disk, where Reflex's disk manager used to keep it."""
    sign_in(page, app_server.url, "liam", DEMO_PASSWORD)
    page.goto(f"{app_server.url}/contracts/2")
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "jtbd_session")

    time.sleep(3)  # the disk manager wrote shortly after each event
    files = [p for p in app_server.states_dir.rglob("*") if p.is_file()] if app_server.states_dir.exists() else []
    stored = b"".join(p.read_bytes() for p in files)
    assert files == [], "tab states were written to disk"
    assert cookie.encode() not in stored and b"jtbd_session" not in stored
