"""A listing's summary comes in its served HTML (api/listing_page, services/marketplace/listing_html): a first visit
sees the listing's title, facts, description and poster with the page's first paint, before any script has run. The
page is served from the SPA fallback, whose frame is the app's hydrate fallback; the listing's own page then shows
what was served without taking it away (no hydration error, the title never missing from a frame), and a page opened
inside the app shows its own listing, never the one that was served."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import console_errors, page_without_its_socket
from tests.support.factories import make_listing
from tests.support.members import make_user

HOSTILE = '<img src=x onerror="window.__ran=1"><script>window.__ran=2</script>'
# Records, from the first change of the document on, whether the listing's title is in it: each change, with whether
# the page's state has loaded by then.
_WATCH_TITLE = """(title) => {
    window.__titleShown = [];
    const shown = () => [...document.querySelectorAll("h1")].some((h) => h.textContent === title);
    const note = () => {
        const now = shown();
        const log = window.__titleShown;
        if (!log.length || log[log.length - 1][0] !== now)
            log.push([now, !!document.querySelector("[data-loaded=true]")]);
    };
    new MutationObserver(note).observe(document, { childList: true, subtree: true, characterData: true });
}"""


def test_the_served_page_holds_the_listing_for_any_visitor_and_escapes_what_members_typed(
    app_server: AppServer, app_database: None
) -> None:
    marker = uuid.uuid4().hex[:8]
    owner = make_user(f"sum{marker}")
    listing = make_listing(owner, title=f"Tile a bathroom {marker} {HOSTILE}", description="Forty **tiles**.")
    draft = make_listing(owner, title=f"Secret draft {marker}", status="draft", published_at=None)

    html = httpx.get(f"{app_server.url}/listings/{listing.id}").text
    region = html[html.index('id="served-content"') :]
    assert f"Tile a bathroom {marker} &lt;img src=x onerror=&quot;window.__ran=1&quot;&gt;" in region
    assert "<p>Forty <strong>tiles</strong>.</p>" in region and f'href="/u/sum{marker}"' in region
    assert "<img src=x" not in html and "window.__ran=2</script>" not in html
    hidden = html.find('<div hidden id="S:')  # inline, not in a Suspense boundary's late segment
    assert hidden < 0 or html.index("Skip to main content") < html.index("Tile a bathroom") < hidden
    # what not every visitor may see stays the loading state: the page's own load decides what its viewer sees
    for path in (f"/listings/{draft.id}", "/listings/999999999", f"/u/sum{marker}"):
        served = httpx.get(f"{app_server.url}{path}").text
        assert "Secret draft" not in served and 'id="served-content"><div class="served-loading">' in served, path


def test_the_listing_shows_before_the_page_connects_and_its_links_route_inside_the_page(
    app_server: AppServer, app_database: None, browser: Browser
) -> None:
    """The websocket never connects here: the served summary still shows, stays once the listing's page has taken
    over from the frame, and the poster's link opens their profile without reloading the app."""
    marker = uuid.uuid4().hex[:8]
    listing = make_listing(make_user(f"early{marker}"), title=f"Hang three shelves {marker}")
    with page_without_its_socket(browser) as page:
        page.goto(f"{app_server.url}/listings/{listing.id}")
        expect(page.get_by_role("heading", name=f"Hang three shelves {marker}", level=1)).to_be_visible()
        page.wait_for_function("!!document.querySelector('#served-content[aria-busy=true]')")  # the route's region
        expect(page.get_by_role("heading", name=f"Hang three shelves {marker}", level=1)).to_be_visible()
        page.evaluate("window.__samePage = true")
        page.get_by_label("About the client").get_by_role("link").click()
        expect(page).to_have_url(f"{app_server.url}/u/early{marker}")
        assert page.evaluate("window.__samePage") is True


def test_a_first_visit_never_loses_the_title_and_a_listing_opened_inside_shows_its_own(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    marker = uuid.uuid4().hex[:8]
    owner = make_user(f"keep{marker}")
    first = make_listing(owner, title=f"Paint a door {marker}")
    other = make_listing(owner, title=f"Mount a television {marker}")
    errors = console_errors(page)
    page.add_init_script(f"({_WATCH_TITLE})({f'Paint a door {marker}'!r})")

    page.goto(f"{app_server.url}/listings/{first.id}", wait_until="commit")
    expect(page.get_by_role("heading", name=f"Paint a door {marker}", level=1)).to_be_visible()
    page.keyboard.press("Tab")  # at once: the page's own frame, when it replaces the served one, keeps the focus
    page.locator("[data-loaded=true]").wait_for()
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    expect(page.get_by_role("heading", name="Bids")).to_be_visible()
    shown = page.evaluate("window.__titleShown")
    assert shown[shown.index([True, False]) :] == [[True, False]]  # shown before the page loaded, never missing since
    assert errors == []

    page.get_by_role("link", name="Marketplace", exact=True).first.click()
    page.get_by_role("link", name=f"Mount a television {marker}").click()
    expect(page).to_have_url(f"{app_server.url}/listings/{other.id}")
    expect(page.get_by_role("heading", name=f"Mount a television {marker}", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=f"Paint a door {marker}")).to_have_count(0)
    page.go_back()
    page.go_back()
    expect(page.get_by_role("heading", name=f"Paint a door {marker}", level=1)).to_be_visible()
    assert errors == []
