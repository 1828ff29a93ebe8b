"""The marketplace's steps as its members take them in the browser (post a listing through the wizard, bid on one),
for the end-to-end tests that walk through them."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect


def wait_for_results(page: Page) -> None:
    """The marketplace's load has answered in this tab. A first visit shows the results the server filled in before
    it does (no "Searching" status then), and its form takes the URL's values only once it has: type after it."""
    expect(page.locator("#listing-results[data-loaded=true]")).to_have_count(1)
    expect(page.get_by_role("status").filter(has_text="Searching")).to_have_count(0)


def post_through_the_wizard(page: Page, base_url: str, title: str, *, budget: str = "150") -> str:
    """Walk the four steps as a client would; returns the listing's URL."""
    page.goto(f"{base_url}/post")
    expect(page.get_by_role("heading", name="1. What needs doing")).to_be_visible()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("About **20 metres** of old wooden fence, both sides, two coats.")
    page.get_by_label("Category").select_option(label="Home & repairs")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="2. Skills")).to_be_visible()
    page.get_by_role("textbox", name="Skills needed").fill("painting")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Remove skill painting")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="3. Budget and timing")).to_be_visible()
    page.get_by_label("Fixed budget").fill(budget)
    page.get_by_label("Deadline").fill((date.today() + timedelta(days=9)).isoformat())
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="4. Review and publish")).to_be_visible()
    # The description as the listing will show it: markdown rendered (on the server), not its marks.
    expect(page.locator(".member-text strong")).to_have_text("20 metres")
    page.get_by_role("button", name="Publish listing").click()
    page.wait_for_url(re.compile(r"/listings/\d+$"))
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    return page.url


def place_bid(page: Page, listing_url: str, amount: str, message: str) -> None:
    page.goto(listing_url)
    page.get_by_label(re.compile("Your price")).fill(amount)
    page.get_by_label("Delivery estimate (days)").fill("3")
    page.get_by_label("Message to the client").fill(message)
    page.get_by_role("button", name="Place bid").click()
    expect(page.get_by_text("Your bid is in.")).to_be_visible()
