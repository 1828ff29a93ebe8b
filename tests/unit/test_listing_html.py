"""A listing's summary built on the server (services/marketplace/listing_html, api/listing_page): what it says, that
nothing a member typed becomes markup, that the served page and the page's state show the same markup whoever looks,
and that only a listing any visitor may see is filled in."""

from __future__ import annotations

import re

from sqlmodel import Session

from jtbd_app.api.listing_page import listing_fills, summary_for
from jtbd_app.db import session_scope
from jtbd_app.services.marketplace import listing_view
from jtbd_app.services.marketplace.listing_html import listing_html, listing_id_of
from tests.support.factories import bid, make_listing, setup_market
from tests.support.members import make_user
from tests.support.viewers import viewer_of

HOSTILE = '"><script>alert(1)</script><img src=x onerror="alert(2)">&amp;'


def _detail(**fields: object) -> listing_view.ListingDetail:
    values: dict[str, object] = {
        "id": 5,
        "status": "open",
        "title": "Logo for a bakery",
        "description_html": "<p>A <strong>logo</strong>.</p>",
        "category": "Design",
        "skills": ["figma", "branding"],
        "budget": "$150.00",
        "deadline": "Due in 5 days",
        "bid_count": 1,
        "published": "3 days ago",
        "poster": listing_view.PosterCard("ann", "Ann Lee", "4.8 (12)", 3, "May 2026"),
    }
    return listing_view.ListingDetail(**(values | fields))  # type: ignore[arg-type]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_summary_says_what_the_listing_is_and_who_posted_it() -> None:
    html = listing_html(_detail())
    assert '<h1 class="rt-Heading rt-r-size-7">Logo for a bakery</h1>' in html
    assert "<p>A <strong>logo</strong>.</p>" in html  # the description as the server rendered and sanitized it
    text = _text(html)
    for fact in ("open", "$150.00", "Due in 5 days", "Design", "Remote", "1 open bid", "Posted 3 days ago"):
        assert fact in text, fact
    assert "Ann Lee No reviews" not in text and "4.8 (12) 3 completed contracts Member since May 2026" in text
    assert 'href="/u/ann"' in html and re.findall(r'aria-label="Skills"[^>]*>(.*?)</div>', html) == [
        '<span class="rt-reset rt-Badge rt-r-size-2 rt-variant-soft" data-accent-color="">figma</span>'
        '<span class="rt-reset rt-Badge rt-r-size-2 rt-variant-soft" data-accent-color="">branding</span>'
    ]
    on_site = _text(listing_html(_detail(remote=False, location="Lyon", bid_count=2, part_of_problem=True)))
    assert "On site: Lyon" in on_site and "2 open bids" in on_site and "Part of a funded problem" in on_site
    assert "open bid" not in _text(listing_html(_detail(status="closed")))  # a closed listing takes no bids


def test_nothing_a_member_typed_becomes_markup() -> None:
    poster = listing_view.PosterCard(HOSTILE, HOSTILE, HOSTILE, 0, HOSTILE)
    html = listing_html(
        _detail(title=HOSTILE, category=HOSTILE, skills=[HOSTILE], location=HOSTILE, remote=False, poster=poster)
    )
    assert "<script" not in html and "<img" not in html and 'onerror="' not in html
    assert (
        html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 7
    )  # title, category, skill, place, name, rating, since
    assert 'href="/u/%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E' in html  # one quoted path segment


def test_only_a_listing_path_names_a_listing() -> None:
    assert listing_id_of("/listings/12") == "12" and listing_id_of("/listings/12/") == "12"
    for path in ("/listings/", "/listings/12/photos", "/listings/-1", "/listings/1e3", "/listings/١٢", "/u/12"):
        assert listing_id_of(path) is None, path
    assert listing_id_of("/listings/" + "9" * 19) is None
    [(pattern, _)] = listing_fills("/app/").items()
    assert re.fullmatch(pattern, "/app/listings/12/") and not re.fullmatch(pattern, "/listings/12")


def test_the_served_summary_is_the_one_every_viewer_gets_in_the_page(db: Session) -> None:
    """The owner, a bidder and a visitor see the same summary as the served page holds, so the page never swaps it."""
    ann, bob, _, listing_id = setup_market()
    bid(bob, listing_id)
    served = summary_for(f"/listings/{listing_id}")
    assert served is not None and "Build a landing page" in served and "1 open bid" in served
    with session_scope() as s:
        for viewer in (ann, bob, None):
            assert listing_html(listing_view.listing_detail(s, viewer=viewer, listing_id=str(listing_id))) == served


def test_only_what_any_visitor_may_see_is_filled_in(db: Session) -> None:
    owner = make_user("ann")
    draft = make_listing(owner, title="A draft of mine", status="draft", published_at=None)
    hidden = make_listing(owner, title="Hidden by the moderators", status="hidden", hidden_from="open")
    for listing_id in (draft.id, hidden.id, 999_999):
        assert summary_for(f"/listings/{listing_id}") is None
    assert summary_for("/listings/abc") is None and summary_for("/u/ann") is None
    with session_scope() as s:  # the owner still sees their draft in the page, from the page's own load
        own = listing_view.listing_detail(s, viewer=viewer_of(owner), listing_id=str(draft.id))
    assert "A draft of mine" in listing_html(own)
