"""Live updates in two browsers: what one member does shows on the other's open page and in their bell, without a
reload (one timer per tab reads the change stamps; see state/live.py)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from jtbd_app.db import session_scope
from jtbd_app.models import Bid
from jtbd_app.services.messaging import messages
from tests.support.app_server import AppServer
from tests.support.contract_journey import (
    contract_in,
    contract_status,
    contract_url,
    deliver_work,
    new_member,
    open_contract,
    sign_in_as,
)
from tests.support.factories import make_listing

LIVE = 15_000  # a few ticks of the timer, with room for a busy machine
NO_RELOAD = "window.__stillTheSamePage"


def _bell(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile(r"^Notifications"))


def _unread(link: Locator) -> int:
    label = link.get_attribute("aria-label") or ""
    found = re.search(r"(\d+) unread", label)
    return int(found.group(1)) if found else 0


def _mark_page(page: Page) -> None:
    """A value only this load of the page holds: a reload, or a full navigation, loses it."""
    page.evaluate(f"{NO_RELOAD} = true")


def _not_reloaded(page: Page) -> bool:
    return bool(page.evaluate(f"{NO_RELOAD} === true"))


def test_the_clients_open_contract_page_and_bell_show_a_delivery_without_a_reload(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    client, contractor = new_member("client", "Cleo Client"), new_member("maker", "Max Maker")
    deal = contract_in("funded", client, contractor)
    url = contract_url(app_server.url, deal)
    sign_in_as(page, app_server.url, client)
    open_contract(page, url)
    expect(contract_status(page)).to_have_text(re.compile(r"^Funded"))
    bell = _bell(page)
    expect(bell).to_be_visible()
    before = _unread(bell)
    _mark_page(page)

    sign_in_as(other_page, app_server.url, contractor)
    deliver_work(other_page, url, "The landing page is live at last.")

    expect(contract_status(page)).to_have_text(re.compile(r"^Delivered"), timeout=LIVE)
    expect(page.get_by_text("The landing page is live at last.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve delivery")).to_be_visible()
    expect(bell).to_have_attribute("aria-label", f"Notifications, {before + 1} unread", timeout=LIVE)
    assert _not_reloaded(page)


def test_a_new_message_counts_on_the_other_members_bell_on_any_page_without_a_reload(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    owner, bidder = new_member("owner", "Olive Owner"), new_member("bidder", "Bruno Bidder")
    listing = make_listing(owner.user, title="Bake a wedding cake")
    with session_scope() as session:
        assert listing.id is not None and bidder.user.id is not None
        session.add(
            Bid(listing_id=listing.id, bidder_id=bidder.user.id, amount_minor=30_000, currency="USD", delivery_days=7)
        )
    sign_in_as(page, app_server.url, bidder)
    page.goto(f"{app_server.url}/marketplace")
    messages_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages", exact=True)
    expect(messages_link).to_be_visible()
    _mark_page(page)

    with session_scope() as session:
        thread_id = messages.open_listing_thread(
            session, viewer=owner.viewer, listing_id=listing.id, with_username=bidder.username
        )
        messages.send_message(session, viewer=owner.viewer, thread_id=thread_id, body="Can you start on Monday?")

    unread = page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages, 1 unread")
    expect(unread).to_be_visible(timeout=LIVE)
    expect(_bell(page)).to_have_attribute("aria-label", re.compile(r"^Notifications, \d+ unread$"))
    assert _not_reloaded(page)
