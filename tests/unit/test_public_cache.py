"""What every visitor sees alike is computed once per change (services/marketplace/public_cache): the same search or
listing page is served from the cache until something it shows changes, and then the very next visitor sees the
change, whichever path (or process) made it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jtbd_app.db import read_scope, session_scope
from jtbd_app.models import Listing
from jtbd_app.services import live
from jtbd_app.services.accounts import profiles
from jtbd_app.services.marketplace import listing_search, listing_view, listings, questions
from jtbd_app.services.marketplace.listing_cards import ListingCard
from jtbd_app.services.trust import moderation
from tests.support.factories import bid, make_listing
from tests.support.members import make_user
from tests.support.viewers import viewer_of

BARE: dict[str, str] = {}
SEARCH = {"q": "bakery"}


def _cards(params: dict[str, str]) -> list[ListingCard]:
    with read_scope() as s:
        return listing_search.search_from_params(s, params=params).items


def _page(listing_id: int) -> listing_view.ListingDetail:
    with read_scope() as s:
        return listing_view.listing_detail(s, viewer=None, listing_id=listing_id)


def _served_from_cache(read: object) -> bool:
    """Whether asking again, with nothing changed, was answered by the cache (and gave the same)."""
    cache = listing_search.SEARCHES if isinstance(read, dict) else listing_view.PUBLIC_LISTINGS
    hits = cache.hits
    first = _cards(read) if isinstance(read, dict) else _page(read)  # type: ignore[arg-type]
    again = _cards(read) if isinstance(read, dict) else _page(read)  # type: ignore[arg-type]
    return cache.hits >= hits + 1 and first == again


def _version() -> int:
    with read_scope() as s:
        return live.marketplace_version(s)


def test_the_same_search_is_answered_from_the_cache_until_something_changes() -> None:
    ann = make_user("ann")
    make_listing(ann, title="Bakery website")
    assert [c.title for c in _cards(SEARCH)] == ["Bakery website"]
    assert _served_from_cache(SEARCH) and _served_from_cache(BARE)

    make_listing(ann, title="Bakery logo")  # a new listing

    assert [c.title for c in _cards(SEARCH)] == ["Bakery logo", "Bakery website"]
    assert [c.title for c in _cards(BARE)] == ["Bakery logo", "Bakery website"]


def test_every_misspelling_of_a_search_shares_its_corrected_matches_until_something_changes() -> None:
    ann = make_user("ann")
    make_listing(ann, title="Bakery website")
    make_listing(ann, title="Flower shop logo", description="Tulips.")
    corrected = listing_search.CORRECTED
    computed = corrected.misses
    assert [c.title for c in _cards({"q": "bakrey"})] == ["Bakery website"]
    assert corrected.misses == computed + 1
    hits = corrected.hits
    for typo in ("baekry", "bakeyr", "bkaery"):  # other pages (other URLs), the same corrected search
        with read_scope() as s:
            page = listing_search.search_from_params(s, params={"q": typo})
        assert [c.title for c in page.items] == ["Bakery website"], typo
        assert page.spelling_note == "Showing results for “bakery”."
    assert corrected.hits == hits + 3 and corrected.misses == computed + 1

    make_listing(ann, title="Bakery logo", description="Bread.")  # a new listing: the next misspelling sees it

    assert [c.title for c in _cards({"q": "bakeyr"})] == ["Bakery logo", "Bakery website"]
    assert corrected.misses == computed + 2


def test_an_edit_is_seen_at_once_on_the_cards_and_the_page() -> None:
    ann = make_user("ann")
    listing = make_listing(ann, title="Bakery website")
    assert listing.id is not None
    assert _served_from_cache(BARE) and _served_from_cache(listing.id)

    with session_scope() as s:
        values = {
            "title": "Bakery website and menu",
            "description": "A one-page site for a bakery.",
            "category": "software",
        }
        listings.save_step(s, viewer=viewer_of(ann), listing_id=listing.id, step=1, values=values)

    assert [c.title for c in _cards(BARE)] == ["Bakery website and menu"]
    assert _page(listing.id).title == "Bakery website and menu"


def test_a_bid_moves_the_count_on_the_card_and_the_page() -> None:
    ann, bob = make_user("ann"), make_user("bob")
    listing = make_listing(ann, title="Bakery website")
    assert listing.id is not None
    assert _served_from_cache(SEARCH) and _served_from_cache(listing.id)
    assert [c.bids for c in _cards(SEARCH)] == ["0 bids"] and _page(listing.id).bid_count == 0

    bid(viewer_of(bob), listing.id)

    assert [c.bids for c in _cards(SEARCH)] == ["1 bid"]
    assert _page(listing.id).bid_count == 1


def test_a_bid_keeps_the_cached_pages_and_shows_its_count_on_them() -> None:
    """Every bid moves a count; were it a change of the marketplace, each one would empty every worker's caches."""
    ann, bob, cyd = make_user("ann"), make_user("bob"), make_user("cyd")
    listing = make_listing(ann, title="Bakery website")
    assert listing.id is not None
    assert _served_from_cache(SEARCH) and _served_from_cache(BARE) and _served_from_cache(listing.id)
    before, searches, pages = _version(), listing_search.SEARCHES.misses, listing_view.PUBLIC_LISTINGS.misses

    bid(viewer_of(bob), listing.id)
    assert [c.bids for c in _cards(SEARCH)] == ["1 bid"] and [c.bid_count for c in _cards(BARE)] == [1]
    assert _page(listing.id).bid_count == 1
    bid(viewer_of(cyd), listing.id)
    assert [c.bids for c in _cards(SEARCH)] == ["2 bids"] and _page(listing.id).bid_count == 2

    assert _version() == before
    assert (listing_search.SEARCHES.misses, listing_view.PUBLIC_LISTINGS.misses) == (searches, pages)
    with read_scope() as s:  # the stored row has the count the pages show
        assert s.get(Listing, listing.id).bid_count == 2  # type: ignore[union-attr]


def test_hiding_a_listing_takes_it_off_the_cached_pages_and_restoring_puts_it_back() -> None:
    ann, admin = make_user("ann"), make_user("mod", role="admin")
    listing = make_listing(ann, title="Bakery website")
    assert listing.id is not None
    assert _served_from_cache(SEARCH) and _served_from_cache(listing.id)

    with session_scope() as s:
        moderation.moderate(
            s, viewer=viewer_of(admin), kind="listing", subject_id=listing.id, action="hide", reason="Scam."
        )

    assert _cards(SEARCH) == [] and _cards(BARE) == []
    assert _page_or_reason(listing.id) == "hidden"
    with session_scope() as s:
        moderation.moderate(
            s, viewer=viewer_of(admin), kind="listing", subject_id=listing.id, action="restore", reason="Fine."
        )
    assert [c.title for c in _cards(SEARCH)] == ["Bakery website"]


def _page_or_reason(listing_id: int) -> str:
    try:
        return _page(listing_id).title
    except Exception as exc:  # NotFound, with the moderators' reason
        return "hidden" if "hidden" in str(exc).lower() or "moderat" in str(exc).lower() else str(exc)


def test_a_question_an_answer_and_the_posters_new_name_show_at_once() -> None:
    ann, bob = make_user("ann"), make_user("bob")
    listing = make_listing(ann, title="Bakery website")
    assert listing.id is not None
    assert _served_from_cache(listing.id) and _served_from_cache(BARE)

    with session_scope() as s:
        questions.ask_question(s, viewer=viewer_of(bob), listing_id=listing.id, body="Is there a logo already?")
    assert [q.body for q in _page(listing.id).questions] == ["Is there a logo already?"]
    question_id = _page(listing.id).questions[0].id
    with session_scope() as s:
        questions.answer_question(s, viewer=viewer_of(ann), question_id=question_id, answer="Yes, a round one.")
    assert [q.answer for q in _page(listing.id).questions] == ["Yes, a round one."]

    with session_scope() as s:
        changes = {"display_name": "Ann the Baker", "bio": "", "currency": "USD", "remote": True, "skills": ""}
        profiles.update_profile(s, viewer=viewer_of(ann), username="ann", changes=changes)
    assert [c.poster_name for c in _cards(BARE)] == ["Ann the Baker"]
    assert _page(listing.id).poster.display_name == "Ann the Baker"


def test_a_sign_in_or_a_new_member_leaves_the_cached_pages_alone() -> None:
    ann = make_user("ann")
    make_listing(ann, title="Bakery website")
    before = _version()
    make_user("bob")  # a new member with a profile: shown nowhere yet
    with session_scope() as s:
        user = s.get(type(ann), ann.id)
        assert user is not None
        user.email_verified_at = user.created_at  # bookkeeping no visitor sees
    assert _version() == before


def test_a_change_made_by_another_process_is_seen_by_the_next_visitor(database: str) -> None:
    """Another worker or host: it shares only the database with this one."""
    ann = make_user("ann")
    listing = make_listing(ann, title="Bakery website")
    assert _served_from_cache(SEARCH)
    other_worker = (
        "from jtbd_app.db import session_scope\n"
        "from jtbd_app.services.marketplace import listings\n"
        "from tests.support.viewers import viewer_named\n"
        "with session_scope() as s:\n"
        "    values = {'title': 'Bakery website, by the other', 'description': 'A one-page site for a bakery.', 'category': 'software'}\n"
        f"    listings.save_step(s, viewer=viewer_named('ann', s), listing_id={listing.id}, step=1, values=values)\n"
    )
    env = {**os.environ, "DATABASE_URL": database}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", other_worker], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]

    assert [c.title for c in _cards(SEARCH)] == ["Bakery website, by the other"]
    with read_scope() as s:
        assert s.get(Listing, listing.id) is not None


def test_public_writes_spread_over_the_marketplace_shards_and_the_version_is_their_sum() -> None:
    """Every listing write moves the marketplace's version; it is kept as several rows, so that two writers rarely
    wait on one row (PostgreSQL locks a stamp row until its writer commits)."""
    ann = make_user("ann")
    before = _version()
    for n in range(24):
        make_listing(ann, title=f"Listing {n}")
    with read_scope() as s:
        shards = {topic: v for topic, v in live.versions(s, [f"marketplace:{i}" for i in range(8)]).items() if v}

    assert _version() >= before + 24  # every unit of work that wrote a listing moved it
    assert len(shards) > 1  # 24 writes on one shard of 8 would be a 1 in 8^23 chance


def test_a_listing_that_does_not_exist_is_kept_as_such_and_asking_whether_a_page_is_kept_counts_nothing() -> None:
    """A kept None (no such listing) is a hit like any entry; asking whether a page is kept is not a miss."""
    make_listing(make_user("ann"), title="Bakery website")
    with read_scope() as s:
        assert listing_view.public_listing(s, 987_654) is None
        misses, hits = listing_view.PUBLIC_LISTINGS.misses, listing_view.PUBLIC_LISTINGS.hits
        assert listing_view.public_listing(s, 987_654) is None
        assert (listing_view.PUBLIC_LISTINGS.misses, listing_view.PUBLIC_LISTINGS.hits) == (misses, hits + 1)
        unread = listing_view.PUBLIC_LISTINGS.lookup(s, 987_654, lambda: pytest.fail("computed again"))
        assert unread == (None, False)

        searches = (listing_search.SEARCHES.misses, listing_search.SEARCHES.hits)
        assert not listing_search.probably_kept({"q": "never searched"})
        assert (listing_search.SEARCHES.misses, listing_search.SEARCHES.hits) == searches
        listing_search.search_from_params(s, params={"q": "bakery"})
        assert listing_search.probably_kept({"q": "bakery"})
        assert (listing_search.SEARCHES.misses, listing_search.SEARCHES.hits) == (searches[0] + 1, searches[1])
