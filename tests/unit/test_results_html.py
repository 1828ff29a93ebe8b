"""The marketplace's results region built on the server (services/marketplace/results_html): what it says, where its
links go, and that nothing a member typed can become markup."""

from __future__ import annotations

import re

from jtbd_app.domain.listing_query import ListingQuery
from jtbd_app.services.marketplace.listing_cards import ListingCard
from jtbd_app.services.marketplace.listing_search import SearchPage
from jtbd_app.services.marketplace.results_html import LOADING_HTML, results_html
from tests.support.results_markup import read_region

HOSTILE = '"><script>alert(1)</script><img src=x onerror="alert(2)">&amp;'


def _card(n: int = 1, **fields: object) -> ListingCard:
    values: dict[str, object] = {
        "id": n,
        "href": f"/listings/{n}",
        "title": f"Logo {n}",
        "excerpt": "A logo for a bakery.",
        "category_label": "Design",
        "skills": ["figma", "branding"],
        "budget": "$150.00",
        "due": "Due in 5 days",
        "remote": True,
        "bids": "2 bids",
        "poster_username": "ann",
        "poster_name": "Ann",
        "poster_rating": "4.8 (12)",
        "published": "3 days ago",
    }
    return ListingCard(**(values | fields))  # type: ignore[arg-type]


def test_a_page_of_results_says_how_many_and_links_each_listing_and_its_poster() -> None:
    page = SearchPage(items=[_card(1), _card(2, remote=False, location="Lyon", part_of_problem=True)], total=2)
    shown = read_region(results_html(page))
    assert shown.titles == ["Logo 1", "Logo 2"]
    assert shown.text.startswith("2 listings · page 1 of 1")
    assert shown.links == {"Logo 1": "/listings/1", "Ann": "/u/ann", "Logo 2": "/listings/2"}
    assert "On site · Lyon" in shown.text and "Part of a funded problem" in shown.text and "★ 4.8 (12)" in shown.text
    assert "Pages" not in results_html(page)  # one page: no pager


def test_skill_badges_wear_the_themes_accent_and_facts_their_own_colours() -> None:
    """rx.foreach passed a badge's index as its colour (data-accent-color="0", "1"...): a colour Radix does not have."""
    html = results_html(SearchPage(items=[_card(part_of_problem=True)], total=1))
    assert re.findall(r'data-accent-color="([^"]*)">(figma|branding|Design|Part of a funded problem)<', html) == [
        ("", "figma"),
        ("", "branding"),
        ("gray", "Design"),
        ("green", "Part of a funded problem"),
    ]


def test_nothing_a_member_typed_becomes_markup() -> None:
    poster = HOSTILE + " (poster)"
    card = _card(title=HOSTILE, excerpt=HOSTILE, skills=[HOSTILE], location=HOSTILE, remote=False, poster_name=poster)
    card = ListingCard(**{**card.__dict__, "poster_username": 'a"b/../c?d', "category_label": HOSTILE})
    html = results_html(SearchPage(items=[card], total=1))
    assert "<script" not in html and "<img" not in html and 'onerror="' not in html
    shown = read_region(html)
    assert (
        shown.titles == [HOSTILE] and shown.text.count(HOSTILE) == 6
    )  # title, excerpt, skill, category, place, poster
    assert shown.links == {HOSTILE: "/listings/1", poster: "/u/a%22b%2F..%2Fc%3Fd"}  # the poster's path: one segment


def test_the_pager_keeps_the_search_and_shows_pages_around_the_current_one() -> None:
    query = ListingQuery.from_params({"q": "sofa", "remote": "remote"})
    page = SearchPage(items=[_card()], total=250, page=5, pages=13, query=query.with_page(5))
    shown = read_region(results_html(page))
    assert shown.current_page == "Page 5" and "page 5 of 13" in shown.text
    pages = [name for name in shown.links if name.startswith("Page ")]
    assert pages == ["Page 2", "Page 3", "Page 4", "Page 6", "Page 7", "Page 8"]
    assert shown.links["Previous page"] == "/marketplace?q=sofa&remote=remote&page=4"
    assert shown.links["Next page"] == "/marketplace?q=sofa&remote=remote&page=6"
    last = read_region(results_html(SearchPage(items=[_card()], total=250, page=13, pages=13, query=query)))
    assert "Next page" not in last.links and "Previous page" in last.links


def test_no_results_say_what_to_do_next() -> None:
    empty = read_region(results_html(SearchPage(query=ListingQuery.from_params({}))))
    assert empty.text == "No open listings yet. Post a task" and empty.links == {"Post a task": "/post"}
    filtered = read_region(results_html(SearchPage(query=ListingQuery.from_params({"q": "logo"}))))
    assert filtered.text == "No listings match your search and filters. Clear filters"
    assert filtered.links == {"Clear filters": "/marketplace"}


def test_a_corrected_search_says_what_it_showed() -> None:
    page = SearchPage(items=[_card()], total=1, corrected="python", exact_found=False)
    assert read_region(results_html(page)).text.startswith("Showing results for “python”. 1 listing")


def test_the_loading_state_is_a_status_that_says_so() -> None:
    assert 'role="status"' in LOADING_HTML and read_region(LOADING_HTML).text == "Searching listings…"
