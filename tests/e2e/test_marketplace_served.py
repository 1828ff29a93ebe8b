"""The marketplace's results come in its served HTML (api/page_files, services/marketplace/results_html): a first
visit sees the listings with the page's first paint, before any script has run; React keeps them when it hydrates
(no hydration error, nothing built twice), the page's load then shows the same, and a click on a card opens the
listing inside the page."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import console_errors, page_without_its_socket
from tests.support.factories import make_listing
from tests.support.marketplace_journey import wait_for_results
from tests.support.members import make_user

HOSTILE = '<img src=x onerror="window.__ran=1"><script>window.__ran=2</script>'


def test_the_served_page_holds_the_results_for_its_url_and_escapes_what_members_typed(
    app_server: AppServer, app_database: None
) -> None:
    marker = uuid.uuid4().hex[:8]
    owner = make_user(f"served{marker}")
    make_listing(owner, title=f"Paint a fence {marker}", skills=("painting",))
    make_listing(owner, title=f"Logo {marker} {HOSTILE}")

    html = httpx.get(f"{app_server.url}/marketplace?q={marker}&sort=newest").text
    region = html[html.index('id="listing-results"') :]
    assert 'role="listitem" aria-label="Paint a fence ' + marker in region and "2 listings · page 1 of 1" in region
    assert "<img src=x" not in html and "window.__ran=2</script>" not in html
    assert "&lt;img src=x onerror=&quot;window.__ran=1&quot;&gt;" in region
    assert "Searching listings" not in region
    # inline, not in a Suspense boundary's late segment, which React shows only once the page's scripts have run
    hidden = html.find('<div hidden id="S:')
    assert hidden < 0 or html.index("Skip to main content") < html.index('role="listitem"') < hidden
    empty = httpx.get(f"{app_server.url}/marketplace?q=nothing{marker}").text
    assert "No listings match your search and filters." in empty


def test_the_listings_show_before_the_page_connects_and_their_links_route_inside_the_page(
    app_server: AppServer, app_database: None, browser: Browser
) -> None:
    """The websocket never connects here: the served results still show, the page hydrates over them, and a card's
    link opens the listing's page without reloading the app."""
    marker = uuid.uuid4().hex[:8]
    listing = make_listing(make_user(f"early{marker}"), title=f"Fix a leaking tap {marker}")
    with page_without_its_socket(browser) as page:
        page.goto(f"{app_server.url}/marketplace?q={marker}")
        card = page.get_by_role("list", name="Listings").get_by_role("listitem", name=f"Fix a leaking tap {marker}")
        expect(card).to_be_visible()
        page.wait_for_function("Object.keys(document.getElementById('listing-results')).length > 0")  # hydrated
        page.evaluate("window.__samePage = true")
        card.get_by_role("link", name=f"Fix a leaking tap {marker}").click()
        expect(page).to_have_url(f"{app_server.url}/listings/{listing.id}")
        assert page.evaluate("window.__samePage") is True


def test_a_first_visit_hydrates_without_an_error_and_its_load_shows_the_same(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    marker = uuid.uuid4().hex[:8]
    owner = make_user(f"same{marker}")
    titles = [f"Assemble a wardrobe {marker} {n}" for n in (1, 2, 3)]
    for title in titles:
        make_listing(owner, title=title)
    errors = console_errors(page)

    page.goto(f"{app_server.url}/marketplace?q={marker}&sort=newest")
    listings = page.get_by_role("list", name="Listings").get_by_role("listitem")
    expect(listings).to_have_count(3)
    wait_for_results(page)
    expect(listings).to_have_count(3)
    assert [listings.nth(n).get_attribute("aria-label") for n in range(3)] == titles[::-1]
    assert errors == []

    page.get_by_role("link", name=titles[0]).click()  # routed inside the page: Back returns to the same results
    expect(page.get_by_role("heading", name=titles[0], level=1)).to_be_visible()
    page.go_back()
    wait_for_results(page)
    expect(listings).to_have_count(3)
    assert errors == []
