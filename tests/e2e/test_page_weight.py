"""Pages near the floor (issue 16): /marketplace and a listing page load at most 200 KB of JavaScript on the wire,
and no chunk they do not need; a listing's markdown is rendered on the server, so its code block brings no highlighter
and no markdown parser. Bytes, not times: the times are in bench/pages.py (`make bench-pages`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import httpx
from playwright.sync_api import Browser, Page, Request, expect

from tests.support.app_server import AppServer
from tests.support.browser import sign_up_new_member
from tests.support.contract_journey import contract_in, contract_url, new_member, open_contract, sign_in_as
from tests.support.factories import make_listing
from tests.support.members import make_user

MAX_JS_BYTES = 200_000
# What the code highlighter (react-syntax-highlighter, Prism's themes and languages) and react-markdown leave in any
# chunk that holds them, whatever the chunk is named.
HIGHLIGHTER_MARKS = ('code[class*="language-"]', "react-syntax-highlighter", "refractor")
MARKDOWN_MARKS = ("skipHtml", "remarkRehypeOptions", "micromark")
DESCRIPTION = """Export the **orders** of the day as a CSV.

- read the orders
- write [the columns](https://example.com/columns)
- as https://example.com/orders-spec says

```python
print("orders.csv")
```

A stored tag is text: <img src=x onerror="window.__ran=1"> and <script>window.__ran=2</script>
"""


@dataclass
class Scripts:
    sizes: dict[str, int] = field(default_factory=dict)  # script URL -> bytes on the wire (compressed body)

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    def holding(self, marks: tuple[str, ...]) -> list[str]:
        """The scripts whose (uncompressed) code contains one of `marks`."""
        return [url for url in self.sizes if any(mark in httpx.get(url, timeout=10).text for mark in marks)]


def cold_scripts(browser: Browser, url: str, ready: str) -> Scripts:
    """Every script a first visit (no cache) requests until the page is ready and the network is idle."""
    context = browser.new_context()
    page = context.new_page()
    finished: list[Request] = []
    page.on("requestfinished", lambda r: finished.append(r) if r.resource_type == "script" else None)
    try:
        page.goto(url)
        expect(page.get_by_role("heading", name=ready).first).to_be_visible(timeout=30_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)  # a chunk loaded lazily once the page rendered
        return Scripts({r.url: r.sizes()["responseBodySize"] for r in finished})
    finally:
        context.close()


def test_a_listing_with_a_code_block_loads_no_highlighter_and_stays_under_200_kb(
    app_server: AppServer, app_database: None, browser: Browser
) -> None:
    owner = make_user("weighty")
    listing = make_listing(owner, title="Export the orders as CSV", description=DESCRIPTION)
    scripts = cold_scripts(browser, f"{app_server.url}/listings/{listing.id}", "Export the orders as CSV")

    assert scripts.holding(HIGHLIGHTER_MARKS) == []
    assert scripts.holding(MARKDOWN_MARKS) == []
    assert 0 < scripts.total <= MAX_JS_BYTES, sorted(scripts.sizes.items(), key=lambda item: -item[1])


def test_the_markdown_of_a_listing_still_renders_and_never_runs_markup(
    app_server: AppServer, app_database: None, browser: Browser
) -> None:
    owner = make_user("marked")
    listing = make_listing(owner, title="Markdown as it reads", description=DESCRIPTION)
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{app_server.url}/listings/{listing.id}")
        text = page.locator(".member-text")
        expect(text.locator("strong")).to_have_text("orders")
        expect(text.get_by_role("listitem")).to_have_count(3)
        assert text.locator("ul").evaluate("e => getComputedStyle(e).listStyleType") == "disc"  # its bullets show
        link = text.get_by_role("link", name="the columns")
        expect(link).to_have_attribute("href", "https://example.com/columns")
        expect(link).to_have_attribute("rel", "nofollow noopener noreferrer")
        expect(text.locator("pre code")).to_have_text('print("orders.csv")\n')
        # coloured on the server: the builtin's span has its own colour, which no script gave it
        builtin = text.locator("pre code span.nb")
        expect(builtin).to_have_text("print")
        assert builtin.evaluate("e => getComputedStyle(e).color") != text.locator("pre code").evaluate(
            "e => getComputedStyle(e).color"
        )
        bare = text.get_by_role("link", name="https://example.com/orders-spec")
        expect(bare).to_have_attribute("rel", "nofollow noopener noreferrer")
        # The stored tags are shown as the words they are, and nothing of them runs.
        expect(text).to_contain_text('<img src=x onerror="window.__ran=1">')
        expect(text).to_contain_text("<script>window.__ran=2</script>")
        assert text.locator("img, script").count() == 0
        assert page.evaluate("window.__ran === undefined")
    finally:
        context.close()


def test_a_contract_document_and_the_terms_load_no_markdown_parser_and_keep_their_outline(
    app_server: AppServer, app_database: None, browser: Browser
) -> None:
    """The contract's document (its "## Scope" an h3 under the page's "The contract") and /terms are rendered on the
    server like a listing: no page of a member's session loads react-markdown or the highlighter."""
    client, contractor = new_member("docreader", "Doc Reader"), new_member("docmaker", "Doc Maker")
    deal = contract_in("awaiting_funding", client, contractor)
    context = browser.new_context()
    page = context.new_page()
    loaded: list[str] = []
    page.on("requestfinished", lambda r: loaded.append(r.url) if r.resource_type == "script" else None)
    try:
        sign_in_as(page, app_server.url, client)
        open_contract(page, contract_url(app_server.url, deal))
        page.locator("summary", has_text=re.compile(r"^Contract for")).click()  # the folded document opens
        document = page.locator(".member-text")
        expect(document.get_by_role("heading", level=3, name="Scope")).to_be_visible()
        expect(document.get_by_role("heading", level=3, name="Price and fee")).to_be_visible()
        page.goto(f"{app_server.url}/terms")
        expect(page.locator(".member-text")).not_to_be_empty()
        page.wait_for_load_state("networkidle")
        assert Scripts(dict.fromkeys(loaded, 0)).holding(HIGHLIGHTER_MARKS + MARKDOWN_MARKS) == []
    finally:
        context.close()


def test_a_page_opened_by_its_address_comes_without_a_detour_and_names_every_script_it_loads(
    app_server: AppServer, app_database: None, browser: Browser
) -> None:
    """No redirect from /marketplace to /marketplace/; a listing (served from the SPA fallback) names in its HTML every
    script its cold load requests, so the browser fetches them at once instead of one after another."""
    for address in ("/marketplace", "/terms", "/login"):
        assert httpx.get(app_server.url + address, follow_redirects=False).status_code == 200, address
    listing = make_listing(make_user("preloaded"), title="A listing with its scripts named")
    address = f"{app_server.url}/listings/{listing.id}"
    named = set(re.findall(r'rel="modulepreload" href="([^"]+)"', httpx.get(address).text))
    scripts = cold_scripts(browser, address, "A listing with its scripts named")
    assert scripts.sizes and [url for url in scripts.sizes if httpx.URL(url).path not in named] == []


def test_a_prerendered_page_hydrates_its_content_after_the_app_root(app_server: AppServer) -> None:
    """The page frame and content sit in a Suspense boundary (components/hydrate_later.py): React hydrates the app's
    root first (its websocket's first event leaves then) and the prerendered content, already on the screen,
    afterwards. In the served HTML the boundary's marker comes before the page's skip link and main region. (Not on
    /marketplace, whose served page holds its results: test_marketplace_served.)"""
    for address in ("/login", "/terms"):
        html = httpx.get(app_server.url + address).text
        boundary = min(at for at in (html.find("<!--$-->"), html.find("<!--$?-->")) if at >= 0)
        assert 0 < boundary < html.index("Skip to main content") and boundary < html.index('id="main"'), address


def test_the_marketplace_stays_under_200_kb_of_javascript(
    app_server: AppServer, app_database: None, browser: Browser
) -> None:
    make_listing(make_user("market"), title="A listing on the first page")
    scripts = cold_scripts(browser, f"{app_server.url}/marketplace", "A listing on the first page")

    assert scripts.holding(HIGHLIGHTER_MARKS + MARKDOWN_MARKS) == []
    assert 0 < scripts.total <= MAX_JS_BYTES, sorted(scripts.sizes.items(), key=lambda item: -item[1])


def test_sonner_loads_with_the_first_toast_and_shows_it(app_server: AppServer, page: Page) -> None:
    """The toaster's code is not part of a page; a toast (here Reflex's own, for a rejected drop of two photos where
    one is taken) loads it and is shown."""
    sign_up_new_member(page, app_server.url, "toasty", "Toast Y")
    loaded: list[str] = []
    page.on("requestfinished", lambda r: loaded.append(r.url) if r.resource_type == "script" else None)
    page.goto(f"{app_server.url}/settings")
    form = page.get_by_role("form", name="Upload a profile photo")
    expect(form).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not [url for url in loaded if _is_sonner(url)]
    two_photos = page.evaluate_handle(
        """() => { const dt = new DataTransfer();
            for (const name of ['a.png', 'b.png']) dt.items.add(new File(['x'], name, {type: 'image/png'}));
            return dt; }"""
    )
    form.locator("input[type=file]").locator("..").dispatch_event("drop", {"dataTransfer": two_photos})
    expect(page.get_by_text("Files not Accepted")).to_be_visible()
    assert [url for url in loaded if _is_sonner(url)]


def _is_sonner(url: str) -> bool:
    """Sonner's code, whatever its chunk is called: its toaster's region label."""
    return "data-sonner-toaster" in httpx.get(url, timeout=10).text
