"""Moderation in Chromium: a member reports a listing; an admin hides it at /admin/reports and it leaves the
marketplace's search; the admin suspends its author, who signs in, reads why, cannot bid, and appeals; the admin
grants the appeal and the member can bid again."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import sign_in
from tests.support.contract_journey import new_member, sign_in_as
from tests.support.factories import make_listing
from tests.support.marketplace_journey import place_bid, wait_for_results

REASON = "Asks for a deposit by wire transfer before any work."


def _search(page: Page, base_url: str, marker: str) -> None:
    page.goto(f"{base_url}/marketplace?q={marker}")
    expect(page.get_by_role("heading", name="Marketplace", level=1)).to_be_visible()
    wait_for_results(page)


def _moderate(page: Page, title: str, action: str, reason: str) -> None:
    card = page.get_by_role("listitem", name=title)
    card.get_by_label("Action").select_option(label=action)
    card.get_by_label(re.compile("^Reason")).fill(reason)
    card.get_by_role("button", name="Apply").click()


def test_a_reported_listing_is_hidden_its_author_suspended_appeals_and_bids_again(
    app_server: AppServer, app_database: None, page: Page, other_page: Page, browser: Browser
) -> None:
    marker = "zm" + "".join(c for c in uuid.uuid4().hex if c.isalpha())[:6]
    seller, reporter = new_member("seller", "Sam Seller"), new_member("reporter", "Rita Reporter")
    scam = make_listing(seller.user, title=f"Easy money {marker}", description="Send a deposit first.")
    honest = make_listing(reporter.user, title=f"Paint a fence {marker}")
    base = app_server.url

    # A member reports the listing
    sign_in_as(page, base, reporter)
    page.goto(f"{base}/listings/{scam.id}")
    page.get_by_role("button", name="Report this listing").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reason").select_option(label="Scam or fraud")
    dialog.get_by_label("Details (optional)").fill("They want a wire transfer up front.")
    dialog.get_by_role("button", name="Send report").click()
    expect(dialog.get_by_role("status")).to_contain_text("your report was sent to the moderators")

    # The admin sees it in the queue and hides it; it leaves search and its page tells others why
    admin = other_page
    sign_in(admin, base, "admin@example.com", "admin-demo-password")
    _search(admin, base, marker)
    expect(admin.get_by_role("link", name=f"Easy money {marker}")).to_be_visible()
    admin.goto(f"{base}/admin/reports")
    card = admin.get_by_role("listitem", name=f"Easy money {marker}")
    expect(card).to_contain_text("1 report(s)")
    expect(card).to_contain_text("Scam or fraud")
    expect(card).to_contain_text("0 strike(s)")
    _moderate(admin, f"Easy money {marker}", "Hide the content", REASON)
    expect(admin.get_by_role("status").filter(has_text="Done: hidden")).to_be_visible()
    _search(admin, base, marker)
    expect(admin.get_by_role("link", name=f"Paint a fence {marker}")).to_be_visible()
    expect(admin.get_by_role("link", name=f"Easy money {marker}")).to_have_count(0)
    page.goto(f"{base}/listings/{scam.id}")
    expect(page.get_by_text("This listing was hidden by the moderators.")).to_be_visible()

    # The admin suspends the author from the closed report
    admin.goto(f"{base}/admin/reports?status=closed")
    _moderate(admin, f"Easy money {marker}", "Suspend the author", REASON)
    expect(admin.get_by_role("status").filter(has_text="Done: suspended")).to_be_visible()

    # The author signs in, reads why, cannot bid, and appeals
    context = browser.new_context()
    context.set_default_timeout(20_000)
    author = context.new_page()
    sign_in_as(author, base, seller)
    banner = author.get_by_role("alert").filter(has_text="Your account is suspended:")
    expect(banner).to_contain_text(REASON)
    expect(banner.get_by_role("link", name="Your standing and appeal")).to_have_attribute("href", "/settings#standing")
    expect(author.get_by_role("alert").filter(has_text="suspended")).to_have_count(1)  # the dashboard says it once
    author.goto(f"{base}/listings/{honest.id}")
    expect(author.get_by_text("Your account is suspended, so you cannot bid.")).to_be_visible()
    expect(author.get_by_role("button", name="Place bid")).to_have_count(0)
    author.get_by_role("link", name="Your standing and appeal").first.click()
    standing = author.get_by_role("region", name="Standing")
    expect(standing.get_by_role("list", name="Warnings and suspensions")).to_contain_text(REASON)
    standing.get_by_label("Your appeal").fill("The listing was a real job; I will take payment only through escrow.")
    standing.get_by_role("button", name="Send appeal").click()
    expect(standing.get_by_text("Your appeal was sent.")).to_be_visible()
    expect(standing.get_by_role("button", name="Send appeal")).to_have_count(0)

    # The admin grants the appeal; the member can bid again
    admin.goto(f"{base}/admin/reports?tab=appeals")
    appeal = admin.get_by_role("listitem", name=f"Appeal of {seller.name}")
    appeal.get_by_label("Decision").select_option("grant")
    appeal.get_by_role("textbox", name=re.compile("^Answer")).fill("Granted: keep every payment in escrow.")
    appeal.get_by_role("button", name="Send answer").click()
    expect(admin.get_by_role("status").filter(has_text="The appeal was granted.")).to_be_visible()

    place_bid(author, f"{base}/listings/{honest.id}", "120", "Happy to paint it this week.")
    expect(author.get_by_role("alert").filter(has_text="Your account is suspended")).to_have_count(0)
    context.close()
