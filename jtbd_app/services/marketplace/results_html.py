"""The marketplace's results as HTML, built on the server: one string for the whole region (the count, the cards,
the pager, or what to do when nothing matched).

The same string goes into the served `/marketplace` HTML (api/page_files: a first visit sees the listings before a
script runs, and so do crawlers and browsers without JavaScript) and into the page's state (the region shows it as
its inner HTML, `components/routed_html`), so the two never differ. Twenty cards built by React took most of a cold
load's rendering; one `innerHTML` of this costs a few milliseconds (issue 16, docs/PERFORMANCE.md "Pages, fifth
round"). Every value from a member is escaped here, and only here; the links are the app's own paths.

The markup wears Radix Themes' classes (cards, badges, links, callout, spinner) and `assets/listing_cards.css` lays it
out, so it looks as the Radix components it replaces did."""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

from jtbd_app.domain.listing_query import ListingQuery
from jtbd_app.services.marketplace.listing_cards import ListingCard
from jtbd_app.services.marketplace.listing_search import SearchPage
from jtbd_app.services.marketplace.radix_html import TEXT, badge, link, loading

PATH = "/marketplace"
REGION_ID = "listing-results"  # the element whose inner HTML this is (pages/marketplace, api/page_files)
_CARD = "rt-reset rt-BaseCard rt-Card rt-r-size-1 rt-variant-surface listing-card"
# lucide's search-x, as rx.callout(icon="search-x") drew it
_SEARCH_X = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" fill="none" '
    'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">'
    '<path d="m13.5 8.5-5 5"></path><path d="m8.5 8.5 5 5"></path><circle cx="11" cy="11" r="8"></circle>'
    '<path d="m21 21-4.3-4.3"></path></svg>'
)
# What the region shows while a search runs (and what the prerendered page holds before the server fills it in).
LOADING_HTML = loading("Searching listings…", "listing-results-loading")


def search_url(query: ListingQuery, page: int | None = None) -> str:
    """The marketplace's URL for `query` (and `page`): what a shared link or the pager opens."""
    params = (query if page is None else query.with_page(page)).to_params()
    return f"{PATH}?{urlencode(params)}" if params else PATH


def results_html(result: SearchPage) -> str:
    """The region for one page of results."""
    if not result.items:
        return _nothing_found(result.query.has_filters)
    note = f'<p class="rt-Text rt-r-size-2 rt-r-weight-medium">{escape(result.spelling_note)}</p>'
    return (
        '<div class="listing-results">'
        + (note if result.spelling_note else "")
        + f'<p class="{TEXT}" data-accent-color="gray">{escape(result.total_label)} · page {result.page} of '
        f"{result.pages}</p>"
        + '<div role="list" aria-label="Listings" class="listing-results-list">'
        + "".join(card_html(card) for card in result.items)
        + "</div>"
        + (_pager(result) if result.pages > 1 else "")
        + "</div>"
    )


def card_html(card: ListingCard) -> str:
    title = escape(card.title)
    place = ("Remote" if card.remote else "On site") + (f" · {card.location}" if card.location else "")
    rating = card.poster_rating if card.poster_rating == "No reviews yet" else f"★ {card.poster_rating}"
    problem = badge("Part of a funded problem", "green") if card.part_of_problem else ""
    return (
        f'<div role="listitem" aria-label="{title}" class="{_CARD}">'
        '<div class="listing-card-head">'
        + link(f'<h2 class="rt-Heading rt-r-size-4">{title}</h2>', card.href)
        + f'<p class="rt-Text rt-r-weight-bold" aria-label="Budget {escape(card.budget)}">{escape(card.budget)}</p>'
        "</div>"
        f'<p class="{TEXT}" data-accent-color="gray">{escape(card.excerpt)}</p>'
        '<div class="listing-card-skills" aria-label="Skills">'
        + "".join(badge(skill) for skill in card.skills)
        + '</div><div class="listing-card-facts">'
        + badge(card.category_label, "gray")
        + problem
        + "".join(_fact(fact) for fact in (place, card.due, card.bids))
        + '</div><div class="listing-card-poster">'
        + f'<p class="{TEXT}" data-accent-color="gray">Posted {escape(card.published)} by</p>'
        + link(escape(card.poster_name), "/u/" + quote(card.poster_username, safe=""), "rt-r-size-2")
        + f'<p class="{TEXT}" aria-label="Rating {escape(card.poster_rating)}">{escape(rating)}</p>'
        "</div></div>"
    )


def _pager(result: SearchPage) -> str:
    query = result.query
    links: list[str] = []
    if result.page > 1:
        links.append(link("Previous", search_url(query, result.page - 1), label="Previous page"))
    for n in result.page_window():
        if n == result.page:
            links.append(f'<span class="rt-Text rt-r-weight-bold" aria-current="page" aria-label="Page {n}">{n}</span>')
        else:
            links.append(link(str(n), search_url(query, n), label=f"Page {n}"))
    if result.page < result.pages:
        links.append(link("Next", search_url(query, result.page + 1), label="Next page"))
    return f'<nav aria-label="Pages" class="listing-pages">{"".join(links)}</nav>'


def _nothing_found(filtered: bool) -> str:
    words, action = (
        ("No listings match your search and filters.", link("Clear filters", PATH))
        if filtered
        else ("No open listings yet.", link("Post a task", "/post"))
    )
    return (
        '<div role="status" data-accent-color="" class="rt-CalloutRoot rt-r-size-2 rt-variant-soft">'
        f'<div class="rt-CalloutIcon">{_SEARCH_X}</div>'
        f'<div class="rt-Text rt-r-size-2 rt-CalloutText listing-results-empty"><p class="rt-Text">{words}</p>{action}'
        "</div></div>"
    )


def _fact(text: str) -> str:
    return f'<p class="{TEXT}">{escape(text)}</p>'
