"""Reviews after a contract, in two browsers: the client approves and rates the contractor; that review stays hidden
(from the contractor's page and from the profile) until the contractor's is in; then both appear on both profiles
with the track record."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import unnamed_controls
from tests.support.contract_journey import (
    Member,
    approve_delivery,
    contract_in,
    contract_url,
    data_row,
    leave_review,
    new_member,
    open_contract,
    sign_in_as,
)

CLIENT_SAYS = "Careful work, delivered early. Would hire again."
CONTRACTOR_SAYS = "A clear brief and quick answers."


def open_profile(page: Page, base_url: str, member: Member) -> None:
    page.goto(f"{base_url}/u/{member.username}")
    expect(page.get_by_role("heading", name=member.name, exact=True)).to_be_visible()


def test_reviews_appear_on_both_profiles_only_after_both_are_in(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    base = app_server.url
    client, contractor = new_member("cora", "Cora Client"), new_member("dana", "Dana Designer")
    deal = contract_in("delivered", client, contractor, price="200")
    url = contract_url(base, deal)
    sign_in_as(page, base, client)
    sign_in_as(other_page, base, contractor)

    approve_delivery(page, url)
    leave_review(page, url, 5, CLIENT_SAYS)
    reviews = page.get_by_role("region", name="Reviews")
    expect(reviews.get_by_text(f"Not shown to {contractor.name} yet")).to_be_visible()
    assert unnamed_controls(page) == []

    open_contract(other_page, url)
    their_panel = other_page.get_by_role("region", name="Reviews")
    expect(their_panel.get_by_role("status")).to_have_text(
        re.compile(rf"^{client.name} has reviewed you\. Leave your review by .+; both appear together\.$")
    )
    expect(their_panel.get_by_text(CLIENT_SAYS)).to_have_count(0)
    open_profile(other_page, base, contractor)
    expect(data_row(other_page, "Rating")).to_contain_text("Not rated yet")
    expect(other_page.get_by_text("No reviews yet", exact=True)).to_be_visible()
    expect(other_page.get_by_text(CLIENT_SAYS)).to_have_count(0)

    leave_review(other_page, url, 4, CONTRACTOR_SAYS)
    expect(their_panel.get_by_text("Your review is in; both are published.")).to_be_visible()
    expect(their_panel.get_by_text(CLIENT_SAYS)).to_be_visible()
    expect(their_panel.get_by_role("img", name="5 out of 5 stars")).to_be_visible()

    open_profile(page, base, contractor)
    expect(data_row(page, "Rating")).to_contain_text("5.0 (1)")
    expect(data_row(page, "Completed contracts")).to_contain_text("1")
    expect(data_row(page, "On time")).to_contain_text("100%")
    about_contractor = page.get_by_role("list", name="Reviews")
    expect(about_contractor).to_contain_text(CLIENT_SAYS)
    expect(about_contractor).to_contain_text("(reviewed as contractor)")
    expect(about_contractor.get_by_role("img", name="5 out of 5 stars")).to_be_visible()

    open_profile(other_page, base, client)
    expect(data_row(other_page, "Rating")).to_contain_text("4.0 (1)")
    expect(data_row(other_page, "Completed contracts")).to_contain_text("1")
    about_client = other_page.get_by_role("list", name="Reviews")
    expect(about_client).to_contain_text(CONTRACTOR_SAYS)
    expect(about_client).to_contain_text("(reviewed as client)")
    expect(about_client.get_by_role("img", name="4 out of 5 stars")).to_be_visible()
