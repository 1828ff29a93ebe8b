"""Pages near the floor (issue 16): cold loads of /marketplace and a listing page in headless Chromium, against the
404 page in the same run, and the JavaScript each one transfers.

The production build starts on a free port with its own SQLite database (tests/support/app_server.start_app), the
demo data plus `--listings` open listings (markdown descriptions, one with a fenced code block). Each round loads,
in a fresh browser context (no cache, no cookies), the 404 page until its heading shows, /marketplace until the
first listing card shows, and /listings/N until the listing's title shows, interleaved so that all three see the
same load on the machine. The time is from the navigation's start to the element being visible, taken in the page
(the start of the first animation frame in which it is: the frame that paints it): the page's HTML, its scripts, the
websocket, hydration and the page's on_load event. The JavaScript transferred is what the network
carried (compressed bodies) for every script the page requested until the network was idle after it was ready,
lazily loaded chunks included.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Request, sync_playwright
from sqlalchemy import Connection, insert, select
from sqlmodel import SQLModel, create_engine

from bench.listing_data import listing_rows

TARGET_RATIO = 1.15  # a page is ready within 1.15 x the 404 page's time
TARGET_JS_BYTES = 200_000  # at most 200 KB of JavaScript on the wire (1 KB = 1,000 bytes)
# Chunks no page of these needs: the code highlighter (react-syntax-highlighter and its themes) and react-markdown.
UNNEEDED_CHUNK_WORDS = ("one-dark", "prism", "highlight", "syntax", "markdown", "katex")

CODE_LISTING_MARKDOWN = """Our **bakery** needs a small *Python* script that exports orders.

- read the orders of the day
- write a CSV with [the columns we use](https://example.com/columns)

```python
import csv
print("orders.csv")
```

| column | meaning |
|---|---|
| total | in cents |
"""


@dataclass(frozen=True)
class PageCheck:
    name: str
    path: str
    ready: str  # a JavaScript expression, true once the page is ready for a person


# Watches the document from its first script on, frame by frame: the start of the first animation frame in which
# `ready` holds is kept as window.__readyAt, in milliseconds since the navigation started. That frame paints it: an
# element laid out while scripts hold the main thread shows only once they let a frame through, so a change of the
# document is not yet a change on the screen (nor is a check on every change, which would also force a layout in the
# middle of parsing). Polling from Playwright instead would add up to its polling interval (up to 500 ms).
_WATCH = """(ready) => {
    const frame = (now) => {
        if (ready()) window.__readyAt = now;
        else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
}"""
_VISIBLE = "(el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'"


@dataclass
class Transfer:
    """The scripts a page's load requested: name -> bytes on the wire."""

    chunks: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.chunks.values())

    def unneeded(self) -> list[str]:
        return [name for name in self.chunks if any(word in name.lower() for word in UNNEEDED_CHUNK_WORDS)]


@dataclass
class PageResult:
    name: str
    samples_ms: list[float] = field(default_factory=list)
    transfer: Transfer = field(default_factory=Transfer)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)


def seed_listings(database_url: str, count: int) -> tuple[int, str]:
    """`count` open listings owned by the demo members, the newest with a code block: its id and title."""
    engine = create_engine(database_url)
    tables = SQLModel.metadata.tables
    from jtbd_app.models import utcnow  # the app's models register the tables above

    now = utcnow()
    with engine.begin() as conn:
        owners = [row[0] for row in conn.execute(select(tables["user"].c.id))]
        skill_ids = {row.name: row.id for row in conn.execute(select(tables["skill"].c.id, tables["skill"].c.name))}
        code_listing_id, code_title = 0, ""
        for n, (columns, skills) in enumerate(listing_rows(count, len(owners), seed=16, now=now)):
            columns = {**columns, "owner_id": owners[columns["owner_id"] - 1]}
            if n == 0:  # the newest listing: the one the benchmark opens
                columns |= {"description": CODE_LISTING_MARKDOWN, "published_at": now + timedelta(seconds=1)}
            listing_id = _insert(conn, "listing", columns)
            if n == 0:
                code_listing_id, code_title = listing_id, str(columns["title"])
            for position, name in enumerate(skills):
                if name not in skill_ids:
                    skill_ids[name] = _insert(conn, "skill", {"name": name})
                conn.execute(
                    insert(tables["listingskill"]).values(
                        listing_id=listing_id, skill_id=skill_ids[name], position=position
                    )
                )
    engine.dispose()
    return code_listing_id, code_title


def _insert(conn: Connection, table: str, values: dict[str, Any]) -> int:
    key = conn.execute(insert(SQLModel.metadata.tables[table]).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def checks(listing_id: int, title: str) -> list[PageCheck]:
    def heading(text: str) -> str:
        return (
            f"[...document.querySelectorAll('h1, h2, h3')].some((h) => h.textContent.trim() === {json.dumps(text)}"
            f" && ({_VISIBLE})(h))"
        )

    first_card = f"({_VISIBLE})(document.querySelector('[role=list][aria-label=Listings] [role=listitem]'))"
    return [
        PageCheck("404 page", "/this-page-does-not-exist", heading("Page not found")),
        PageCheck("/marketplace", "/marketplace", first_card),
        PageCheck("/listings/N", f"/listings/{listing_id}", heading(title)),
    ]


def cold_load(browser: Browser, base_url: str, check: PageCheck, *, transfer: Transfer | None = None) -> float:
    """Milliseconds from navigation to ready in a fresh context; with `transfer`, also records its scripts."""
    context = browser.new_context()
    page = context.new_page()
    scripts: list[Request] = []
    if transfer is not None:
        page.on("requestfinished", lambda r: scripts.append(r) if r.resource_type == "script" else None)
    page.add_init_script(f"({_WATCH})(() => {check.ready})")
    try:
        page.goto(base_url + check.path, wait_until="commit")
        page.wait_for_function("window.__readyAt !== undefined", timeout=60_000)
        elapsed = float(page.evaluate("window.__readyAt"))
        if transfer is not None:
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)  # a chunk loaded lazily after the page was ready
            for request in scripts:
                name = request.url.rsplit("/", 1)[-1].split("?", 1)[0]
                transfer.chunks[name] = request.sizes()["responseBodySize"]
        return elapsed
    finally:
        context.close()


def measure(base_url: str, listing: tuple[int, str], *, rounds: int, warm_up: int = 2) -> list[PageResult]:
    pages = checks(*listing)
    results = [PageResult(check.name) for check in pages]
    with sync_playwright() as playwright:
        from tests.support.browser import launch

        browser = launch(playwright)
        try:
            for check, result in zip(pages, results, strict=True):
                cold_load(browser, base_url, check, transfer=result.transfer)
                for _ in range(warm_up):  # the server's first render of each page, the OS file cache
                    cold_load(browser, base_url, check)
            for _ in range(rounds):
                for check, result in zip(pages, results, strict=True):
                    result.samples_ms.append(cold_load(browser, base_url, check))
        finally:
            browser.close()
    return results


def report(results: list[PageResult]) -> bool:
    """Prints the table; True when a target is missed."""
    floor = results[0].median_ms
    failed = False
    print(
        f"{'page':<14} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'x 404':>6} {'JS KB':>7} {'chunks':>7}  verdict"
    )
    for n, result in enumerate(results):
        ratio = result.median_ms / floor
        js = result.transfer.total
        problems = []
        if n:
            if ratio > TARGET_RATIO:
                problems.append(f"ratio > {TARGET_RATIO}")
            if js > TARGET_JS_BYTES:
                problems.append(f"JS > {TARGET_JS_BYTES // 1000} KB")
            if result.transfer.unneeded():
                problems.append("unneeded: " + ", ".join(result.transfer.unneeded()))
        failed |= bool(problems)
        print(
            f"{result.name:<14} {result.median_ms:10.0f} {min(result.samples_ms):8.0f} {max(result.samples_ms):8.0f} "
            f"{ratio:6.2f} {js / 1000:7.1f} {len(result.transfer.chunks):>7}  "
            + ("MISSED: " + "; ".join(problems) if problems else ("floor" if n == 0 else "ok"))
        )
    for result in results:
        print(f"\n{result.name}: {result.transfer.total / 1000:.1f} KB of JavaScript")
        for name, size in sorted(result.transfer.chunks.items(), key=lambda item: -item[1]):
            print(f"  {size / 1000:7.1f} KB  {name}")
    return failed


def bench(*, listings: int, rounds: int, base_url: str = "", listing: tuple[int, str] = (0, "")) -> bool:
    """Starts the production app (unless given `base_url` and a `listing` there), seeds it, measures and prints;
    True when a target is missed."""
    if base_url:
        return report(measure(base_url, listing, rounds=rounds))
    from tests.support.app_server import start_app, stop_app

    with tempfile.TemporaryDirectory() as tmp:
        print(f"\nPages near the floor: building and starting the production app ({listings:,} listings)...")
        # its own frontend build, so that a test session of this work tree keeps its own (.web)
        server = start_app(workdir=Path(tmp), extra_env={"REFLEX_WEB_WORKDIR": str(Path(tmp) / ".web")})
        try:
            listing = seed_listings(server.env["DATABASE_URL"], listings)
            print(f"Cold loads in headless Chromium, {rounds} rounds (fresh context each), medians:")
            return report(measure(server.url, listing, rounds=rounds))
        finally:
            stop_app(server)
