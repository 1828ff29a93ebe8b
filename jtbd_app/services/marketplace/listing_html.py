"""A listing's summary as HTML, built on the server: its title, status and facts, its description, its skills and
who posted it (what every visitor allowed to see the listing sees alike; nothing of the viewer's own).

The same string goes into the served `/listings/N` HTML (api/listing_page: the listing shows with the first paint,
before any script has run, and for crawlers) and into the page's state (state/listings, shown by
`components/routed_html.served_html`), so the two never differ and React does not build it again. Every value from
a member is escaped here; the description is the markdown already rendered and sanitized on the server
(`domain.markdown_html`). It wears Radix Themes' classes and `assets/listing_cards.css` lays it out, as the Radix
components it replaces did."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from jtbd_app.services.marketplace.listing_view import ListingDetail
from jtbd_app.services.marketplace.radix_html import TEXT, badge, link, loading

PATH_PREFIX = "/listings/"
REGION_ID = "served-content"  # the element whose inner HTML this is (pages/listings, the app's hydrate fallback)
STATUS_COLORS = {"open": "green", "draft": "gray", "closed": "blue", "cancelled": "red", "hidden": "orange"}
_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12" viewBox="0 0 24 24" fill="none" '
    'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" class="lucide lucide-{name}"'
    ' aria-hidden="true">{paths}</svg>'
)
_WALLET = _ICON.format(
    name="wallet",
    paths='<path d="M19 7V4a1 1 0 0 0-1-1H5a2 2 0 0 0 0 4h15a1 1 0 0 1 1 1v4h-3a2 2 0 0 0 0 4h3a1 1 0 0 0 1-1v-2a1 1 0 0 '
    '0-1-1"></path><path d="M3 5v14a2 2 0 0 0 2 2h15a1 1 0 0 0 1-1v-4"></path>',
)
_CALENDAR = _ICON.format(
    name="calendar",
    paths='<path d="M8 2v4"></path><path d="M16 2v4"></path><rect width="18" height="18" x="3" y="4" rx="2"></rect>'
    '<path d="M3 10h18"></path>',
)
# What the region shows until the page knows its listing (and what the served page holds when the server did not
# fill it in: another page with a parameter, a listing this visitor may not see, or the database away).
LOADING_HTML = loading("Loading…", "served-loading")


def listing_id_of(path: str) -> str | None:
    """`/listings/12` (or `/listings/12/`) -> "12"; None for any other path."""
    rest = path.removeprefix(PATH_PREFIX).rstrip("/") if path.startswith(PATH_PREFIX) else ""
    return rest if rest.isdecimal() and rest.isascii() and len(rest) <= 18 else None


def listing_html(listing: ListingDetail) -> str:
    """The summary of one listing as the viewer's detail gives it (only its public fields are used)."""
    return (
        '<div class="listing-summary">'
        + _header(listing)
        + '<div class="listing-summary-body"><div class="listing-summary-text">'
        + f'<div class="rx-Html member-text">{listing.description_html}</div>'
        + '<div aria-label="Skills" class="listing-summary-badges">'
        + "".join(badge(skill, size="2") for skill in listing.skills)
        + "</div></div>"
        + _poster(listing)
        + "</div></div>"
    )


def _header(listing: ListingDetail) -> str:
    facts = [
        badge(listing.budget, "green", size="2", inner_html=_WALLET),
        badge(listing.deadline, size="2", inner_html=_CALENDAR),
        badge(listing.category, size="2"),
        badge("Remote" if listing.remote else "On site: " + listing.location, size="2"),
    ]
    if listing.status == "open":
        facts.append(badge("1 open bid" if listing.bid_count == 1 else f"{listing.bid_count} open bids", size="2"))
    problem = (
        '<div role="note" data-accent-color="green" class="rt-CalloutRoot rt-r-size-1 rt-variant-soft">'
        '<p class="rt-Text rt-r-size-1 rt-CalloutText">Part of a funded problem: this task is one step of a larger '
        "outcome, and its budget is already held in escrow.</p></div>"
        if listing.part_of_problem
        else ""
    )
    return (
        '<div class="listing-summary-head"><div class="listing-summary-title">'
        f'<h1 class="rt-Heading rt-r-size-7">{escape(listing.title)}</h1>'
        + badge(listing.status, STATUS_COLORS.get(listing.status, "gray"))
        + '</div><div class="listing-summary-badges">'
        + "".join(facts)
        + f'</div><p class="{TEXT}" data-accent-color="gray">Posted {escape(listing.published)}</p>'
        + problem
        + "</div>"
    )


def _poster(listing: ListingDetail) -> str:
    poster = listing.poster
    return (
        '<div aria-label="About the client" class="rt-reset rt-BaseCard rt-Card rt-r-size-1 rt-variant-surface">'
        '<div class="listing-summary-poster"><h2 class="rt-Heading rt-r-size-3">Posted by</h2>'
        + link(escape(poster.display_name), "/u/" + quote(poster.username, safe=""), "rt-r-weight-bold")
        + f'<p class="{TEXT}">{escape(poster.rating)}</p>'
        f'<p class="{TEXT}">{poster.completed} completed contracts</p>'
        f'<p class="{TEXT}" data-accent-color="gray">Member since {escape(poster.member_since)}</p>'
        "</div></div>"
    )
