"""What a shared link shows without JavaScript: the tags built from the database, escaped, and nothing private."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from jtbd_app.api.content_policy import script_hashes_in
from jtbd_app.api.share_pages import share_pages, with_tags
from jtbd_app.config import get_settings
from jtbd_app.db import read_scope
from jtbd_app.models import Profile, utcnow
from jtbd_app.services.accounts.profiles import set_skills
from jtbd_app.services.marketplace import share_tags
from tests.support.factories import make_listing
from tests.support.head_tags import HeadTags
from tests.support.members import make_user

APP_URL = "https://jtbd.example"
HOSTILE = 'Logo "quoted" <script>alert(1)</script> & co\'s'


def tags(path: str) -> share_tags.ShareTags:
    with read_scope() as session:
        found = share_tags.tags_for(session, path=path, app_url=APP_URL + "/")
    assert found is not None
    return found


def parsed(path: str) -> HeadTags:
    return HeadTags(share_tags.render(tags(path)))


def test_a_public_listing_has_its_title_budget_description_and_canonical_url(db: Session) -> None:
    listing = make_listing(make_user("ann"), title="Logo for a bakery", budget_minor=300_00, currency="USD")
    head = parsed(f"/listings/{listing.id}/")
    assert head.titles == ["Logo for a bakery · $300 · JTBD Marketplace"]
    assert head.meta["og:title"] == "Logo for a bakery · $300"
    assert head.meta["description"] == head.meta["og:description"] == "A one-page site for a bakery."
    assert head.meta["og:url"] == head.canonical == f"{APP_URL}/listings/{listing.id}"
    assert head.meta["og:type"] == "website" and head.meta["og:site_name"] == "JTBD Marketplace"
    assert head.meta["twitter:card"] == "summary" and "robots" not in head.meta
    assert head.meta["og:image"] == f"{APP_URL}/icon-512.png"


def test_the_budget_is_formatted_in_the_listings_currency(db: Session) -> None:
    euro = make_listing(make_user("ann"), title="Translate a menu", budget_minor=1250_50, currency="EUR")
    yen = make_listing(make_user("bob"), title="Fix a bike", budget_minor=5000, currency="JPY")
    assert tags(f"/listings/{euro.id}").title == "Translate a menu · €1,250.50 · JTBD Marketplace"
    assert tags(f"/listings/{yen.id}").title == "Fix a bike · ¥5,000 · JTBD Marketplace"


def test_a_long_description_is_one_line_cut_at_a_word(db: Session) -> None:
    listing = make_listing(make_user("ann"), description="Bake\n\n\tbread " + "every morning " * 40)
    description = tags(f"/listings/{listing.id}").description
    assert description.startswith("Bake bread every morning") and description.endswith("…")
    assert description[:-1].split()[-1] in ("every", "morning")  # a whole word before the ellipsis
    assert len(description) <= share_tags.DESCRIPTION_LIMIT and "\n" not in description


def test_a_hostile_title_and_description_are_escaped_and_read_back_as_text(db: Session) -> None:
    listing = make_listing(make_user("ann"), title=HOSTILE, description=f"{HOSTILE}\x00\x07", budget_minor=None)
    markup = share_tags.render(tags(f"/listings/{listing.id}"))
    assert "<script" not in markup and '"quoted"' not in markup
    head = HeadTags(markup)
    assert head.tags == ["title", *["meta"] * 10, "link"]  # nothing the text could have opened
    assert head.titles == [f"{HOSTILE} · JTBD Marketplace"]
    assert head.meta["og:title"] == HOSTILE and head.meta["description"] == HOSTILE


@pytest.mark.parametrize("status", ["hidden", "draft"])
def test_a_hidden_or_draft_listing_gives_only_the_generic_tags(db: Session, status: str) -> None:
    listing = make_listing(make_user("ann"), title="Secret project", description="Private details", status=status)
    head = parsed(f"/listings/{listing.id}")
    assert head.titles == ["Listing not found · JTBD Marketplace"]
    assert head.meta["og:title"] == "JTBD Marketplace" and head.meta["description"] == share_tags.SITE_DESCRIPTION
    assert head.meta["og:url"] == f"{APP_URL}/" and head.meta["robots"] == "noindex"
    rendered = share_tags.render(tags(f"/listings/{listing.id}"))
    assert "Secret" not in rendered and "Private" not in rendered and str(listing.id) not in rendered


@pytest.mark.parametrize("listing_id", ["999", "0", "abc", "99999999999999999999", "1e3"])
def test_a_missing_listing_is_listing_not_found(db: Session, listing_id: str) -> None:
    found = tags(f"/listings/{listing_id}")
    assert found.title == "Listing not found · JTBD Marketplace" and not found.indexable


def test_a_public_profile_has_the_name_username_bio_skills_and_rate(db: Session) -> None:
    ann = make_user("ann")
    with read_scope() as s:
        profile = s.get(Profile, ann.id)
    assert profile is not None and ann.id is not None
    profile.display_name, profile.bio, profile.hourly_rate_minor, profile.currency = "Ann Baker", "I bake.", 4000, "GBP"
    db.add(profile)
    db.commit()
    set_skills(db, user_id=ann.id, names=["baking", "logos"])
    db.commit()
    head = parsed("/u/Ann")
    assert head.titles == ["Ann Baker (@ann) · JTBD Marketplace"]
    assert head.meta["og:type"] == "profile" and head.meta["og:url"] == f"{APP_URL}/u/ann"
    assert head.meta["description"] == "I bake. Skills: baking, logos. Rate: £40.00/hour."


@pytest.mark.parametrize("how", ["suspended", "hidden"])
def test_a_suspended_member_or_a_hidden_profile_gives_only_the_generic_tags(db: Session, how: str) -> None:
    user = make_user("mallory", status="suspended" if how == "suspended" else "active")
    profile = db.get(Profile, user.id)
    assert profile is not None
    profile.bio = "Call me on 555-0100"
    if how == "hidden":
        profile.hidden_at = utcnow()
    db.add(profile)
    db.commit()
    rendered = share_tags.render(tags("/u/mallory"))
    head = HeadTags(rendered)
    assert head.titles == ["Member profile · JTBD Marketplace"] and head.meta["robots"] == "noindex"
    assert "555" not in rendered and "mallory" not in rendered.lower()


def test_a_missing_member_is_member_not_found(db: Session) -> None:
    assert tags("/u/nobody").title == "Member not found · JTBD Marketplace"


def test_the_home_page_is_the_sites_name_alone_and_the_marketplace_generic(db: Session) -> None:
    home, market = tags("/"), tags("/marketplace")
    assert home.title == "JTBD Marketplace" and home.url == f"{APP_URL}/" and home.indexable
    assert market.title == "Marketplace · JTBD Marketplace" and market.url == f"{APP_URL}/marketplace"


@pytest.mark.parametrize(
    ("path", "shared"),
    [("/listings/3", True), ("/u/ann/", True), ("/", True), ("/marketplace", True), ("/listings/3/bids", False)],
)
def test_only_the_share_pages_get_tags(path: str, shared: bool) -> None:
    assert share_tags.is_share_page(path) is shared
    assert share_tags.is_share_page("/login") is False and share_tags.is_share_page("/contracts/1") is False


SHELL = (
    b'<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><meta content="width=device-width" name="viewport"/>'
    b"<title>Listing \xc2\xb7 JTBD Marketplace</title><script>window.x = 1;</script></head><body><script>go()</script>"
    b"</body></html>"
)


def test_the_tags_go_after_the_charset_and_replace_the_builds_title_leaving_every_script_as_built() -> None:
    page = with_tags(
        SHELL, '<title>Fix a bike · ¥5,000 · JTBD Marketplace</title><meta name="description" content="x"/>'
    )
    assert page.startswith(b'<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><title>Fix a bike')
    assert page.count(b"<title>") == 1 and b"Listing \xc2\xb7" not in page
    assert script_hashes_in(page) == script_hashes_in(SHELL)  # the Content-Security-Policy's hashes still match


def test_a_page_without_a_head_is_left_as_it_is() -> None:
    assert with_tags(b"not html", "<title>x</title>") == b"not html"


def test_a_title_in_the_body_stays_when_the_head_has_none() -> None:
    shell = b'<html><head><meta charset="utf-8"></head><body><svg><title>Menu</title></svg></body></html>'
    page = with_tags(shell, "<title>Ours</title>")
    head, body = (
        b'<html><head><meta charset="utf-8"><title>Ours</title></head>',
        b"<body><svg><title>Menu</title></svg>",
    )
    assert page == head + body + b"</body></html>"


def built_page(seen: list[dict[bytes, bytes]]) -> Any:
    """The frontend mount's stand-in: the shell, gzipped when asked, 304 for a matching ETag, as files are served."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope["headers"])
        seen.append(headers)
        if headers.get(b"if-none-match") == b'"v1"':
            await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", b'"v1"')]})
            await send({"type": "http.response.body", "body": b""})
            return
        body = gzip.compress(SHELL) if b"gzip" in headers.get(b"accept-encoding", b"") else SHELL
        if "http.response.pathsend" in scope.get("extensions", {}):  # a server that sends files itself (granian)
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
            await send({"type": "http.response.pathsend", "path": "/srv/index.html"})
            return
        response_headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ]
        response_headers += [(b"etag", b'"v1"')] + ([(b"content-encoding", b"gzip")] if body != SHELL else [])
        await send({"type": "http.response.start", "status": 200, "headers": response_headers})
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:]})

    return app


def test_a_listing_is_served_whole_with_its_tags_whatever_the_browser_asks(db: Session) -> None:
    listing = make_listing(make_user("ann"), title="Logo for a bakery", budget_minor=300_00)
    seen: list[dict[bytes, bytes]] = []
    served = share_pages(built_page(seen))

    async def granian(scope: Any, receive: Any, send: Any) -> None:
        await served({**scope, "extensions": {"http.response.pathsend": {}}}, receive, send)

    browser = TestClient(granian, base_url="http://localhost:3000")
    asked = {"accept-encoding": "gzip, br", "if-none-match": '"v1"'}
    response = browser.get(f"/listings/{listing.id}", headers=asked)
    assert response.status_code == 200 and b"accept-encoding" not in seen[0] and b"if-none-match" not in seen[0]
    head = HeadTags(response.text)
    assert head.titles == ["Logo for a bakery · $300 · JTBD Marketplace"]
    assert head.meta["og:url"] == f"{get_settings().app_url.rstrip('/')}/listings/{listing.id}"
    assert int(response.headers["content-length"]) == len(response.content)
    assert "etag" not in response.headers and response.headers["cache-control"] == "no-cache"
    assert "content-encoding" not in response.headers
    head_only = browser.head(f"/listings/{listing.id}")
    assert head_only.content == b"" and head_only.headers["content-length"] == response.headers["content-length"]


def test_any_other_page_passes_untouched(db: Session) -> None:
    seen: list[dict[bytes, bytes]] = []
    browser = TestClient(share_pages(built_page(seen)), base_url="http://localhost:3000")
    response = browser.get("/login", headers={"accept-encoding": "gzip"})
    assert seen[0][b"accept-encoding"] == b"gzip" and response.headers["etag"] == '"v1"'
    assert response.content == SHELL  # the client decoded the gzip it asked for: the page as built
    assert browser.post("/listings/1").content == SHELL


def test_a_markdown_description_is_shared_as_its_words(db: Session) -> None:
    description = (
        "## The job\nOur bakery's site gets **300 visits** a month; see [the site](https://bakery.example).\n\n"
        "- No bots\n- Weekly report from `Google Analytics`\n1. Keep *snake_case* names\n---\n> Thanks!"
    )
    listing = make_listing(make_user("ann"), description=description)
    assert tags(f"/listings/{listing.id}").description == (
        "The job Our bakery's site gets 300 visits a month; see the site. No bots. Weekly report from Google "
        "Analytics. Keep snake_case names. Thanks!"
    )
