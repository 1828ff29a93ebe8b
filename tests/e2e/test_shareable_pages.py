"""Shareable pages: each tab names its page, and the HTML a crawler or a chat app fetches (no JavaScript) carries a
listing's or a profile's title, description and Open Graph tags, while the page still hydrates and works."""

from __future__ import annotations

import httpx
from playwright.sync_api import ConsoleMessage, Page, expect

from jtbd_app.api.content_policy import script_hashes_in
from jtbd_app.db import session_scope
from jtbd_app.models import Listing, Profile
from tests.support.app_server import AppServer
from tests.support.browser import PolicyViolations
from tests.support.contract_journey import contract_in, contract_url, new_member, open_contract, sign_in_as
from tests.support.factories import make_listing
from tests.support.head_tags import HeadTags

HOSTILE = 'Logo "for" <b>a</b> bakery & co'


def fetched(url: str) -> httpx.Response:
    """The page as a crawler gets it: one GET, compressed if the server likes, no JavaScript run."""
    response = httpx.get(url, headers={"user-agent": "Slackbot-LinkExpanding 1.0"}, timeout=20)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    return response


def test_a_listings_served_html_carries_its_tags_escaped_and_under_the_policy(
    app_server: AppServer, app_database: None
) -> None:
    owner = new_member("share", "Share Owner")
    listing = make_listing(owner.user, title=HOSTILE, description="Bread & butter <i>daily</i>.", budget_minor=300_00)
    response = fetched(f"{app_server.url}/listings/{listing.id}")

    head = HeadTags(response.text)
    assert head.titles == [f"{HOSTILE} · $300 · JTBD Marketplace"]
    assert head.meta["og:title"] == f"{HOSTILE} · $300" and head.meta["og:site_name"] == "JTBD Marketplace"
    assert head.meta["description"] == head.meta["og:description"] == "Bread & butter <i>daily</i>."
    assert head.meta["og:url"] == head.canonical == f"{app_server.url}/listings/{listing.id}"
    assert head.meta["og:type"] == "website" and head.meta["twitter:card"] == "summary"
    assert "<b>a</b>" not in response.text and "<i>daily" not in response.text
    # every inline script of the served page is one the Content-Security-Policy allows by hash
    policy = response.headers["content-security-policy"]
    assert script_hashes_in(response.content) and all(h in policy for h in script_hashes_in(response.content))


def test_a_hidden_listing_and_a_suspended_members_profile_give_only_generic_tags(
    app_server: AppServer, app_database: None
) -> None:
    owner = new_member("hide", "Hidden Owner")
    listing = make_listing(owner.user, title="Quiet renovation", status="hidden", hidden_from="open")
    with session_scope() as s:
        user = s.merge(owner.user)
        user.status, user.suspended_reason = "suspended", "Spam."
    hidden, suspended = (fetched(f"{app_server.url}{p}") for p in (f"/listings/{listing.id}", f"/u/{owner.username}"))
    assert HeadTags(hidden.text).titles == ["Listing not found · JTBD Marketplace"]
    assert HeadTags(suspended.text).titles == ["Member profile · JTBD Marketplace"]
    for response in (hidden, suspended):
        head = HeadTags(response.text)
        assert head.meta["og:title"] == "JTBD Marketplace" and head.meta["robots"] == "noindex"
        assert "Quiet renovation" not in response.text and owner.username not in response.text


def test_a_profiles_and_the_home_pages_served_html_name_them(app_server: AppServer, app_database: None) -> None:
    member = new_member("prof", "Pat Baker")
    with session_scope() as s:
        profile = s.get(Profile, member.user.id)
        assert profile is not None
        profile.bio = "Sourdough and logos."
    head = HeadTags(fetched(f"{app_server.url}/u/{member.username}").text)
    assert head.titles == [f"{member.name} (@{member.username}) · JTBD Marketplace"]
    assert head.meta["og:type"] == "profile" and head.meta["description"] == "Sourdough and logos."
    assert head.meta["og:url"] == f"{app_server.url}/u/{member.username}"
    home = HeadTags(fetched(f"{app_server.url}/").text)
    assert home.titles == ["JTBD Marketplace"] and home.meta["og:url"] == f"{app_server.url}/"


def test_a_shared_listing_opens_with_its_title_hydrates_and_takes_a_question(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    owner, asker = new_member("tabo", "Tab Owner"), new_member("taba", "Tab Asker")
    listing = make_listing(owner.user, title="Logo for a bakery", budget_minor=300_00)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if _is_error(m) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    violations = PolicyViolations(page)

    page.goto(f"{app_server.url}/listings/{listing.id}")
    expect(page.get_by_role("heading", name="Logo for a bakery")).to_be_visible()
    expect(page).to_have_title("Logo for a bakery · $300 · JTBD Marketplace")
    # React renders the page's own <title> first in <head>; the served one (for crawlers) stays behind it, unread
    assert page.evaluate("document.querySelector('head > title').textContent") == page.title()

    sign_in_as(page, app_server.url, asker)
    expect(page).to_have_title("JTBD Marketplace")
    page.goto(f"{app_server.url}/listings/{listing.id}")
    expect(page).to_have_title("Logo for a bakery · $300 · JTBD Marketplace")
    page.get_by_label("Ask a public question").fill("Do you have the brand colours?")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_text("Question posted. The client has been told.")).to_be_visible()
    expect(page.get_by_text("Do you have the brand colours?")).to_be_visible()

    assert violations.found() == []
    assert [e for e in errors if "ydrat" in e or "did not match" in e] == []


def test_tabs_name_the_profile_and_a_missing_listing(app_server: AppServer, app_database: None, page: Page) -> None:
    member = new_member("tabp", "Tab Person")
    page.goto(f"{app_server.url}/u/{member.username}")
    expect(page).to_have_title(f"{member.name} (@{member.username}) · JTBD Marketplace")
    page.goto(f"{app_server.url}/listings/987654")
    expect(page.get_by_role("heading", name="Listing not found")).to_be_visible()
    expect(page).to_have_title("Listing not found · JTBD Marketplace")
    page.get_by_role("link", name="Browse the marketplace").click()
    expect(page).to_have_title("Marketplace · JTBD Marketplace")


def _is_error(message: ConsoleMessage) -> bool:
    return message.type == "error"


def test_a_contracts_tab_names_its_listing_for_a_party_only(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    client, contractor = new_member("tabc", "Tab Client"), new_member("tabk", "Tab Contractor")
    deal = contract_in("funded", client, contractor)
    with session_scope() as s:
        listing = s.get(Listing, deal.load().listing_id)
        assert listing is not None
        title = listing.title
    sign_in_as(page, app_server.url, client)
    open_contract(page, contract_url(app_server.url, deal))
    expect(page).to_have_title(f"{title} · Contract #{deal.contract_id} · JTBD Marketplace")

    sign_in_as(other_page, app_server.url, new_member("tabs", "Tab Stranger"))
    other_page.goto(contract_url(app_server.url, deal))
    expect(other_page.get_by_role("heading", name="Contract not found")).to_be_visible()
    expect(other_page).to_have_title("Contract not found · JTBD Marketplace")
