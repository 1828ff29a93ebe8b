"""/marketplace: search box, filters, result cards and pages; every filter is in the URL."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from jtbd_app.components.forms import labelled
from jtbd_app.components.layout import loading, page
from jtbd_app.components.skill_tags import skill_tags_editor
from jtbd_app.domain.listing_query import DUE_CHOICES, MAX_LOCATION_LEN, MAX_TEXT_LEN, REMOTE_CHOICES, SORTS
from jtbd_app.domain.marketplace import CATEGORIES
from jtbd_app.domain.money import CURRENCIES
from jtbd_app.state.marketplace import FORM_ID, MarketplaceState

S = MarketplaceState
E = MarketplaceState.errors

# Filters apply as soon as they change (the form submits itself; its handler puts them in the URL): a choice at
# once, a typed budget or place once typing pauses. The search words wait for Enter or the Search button.
_APPLY_NOW = rx.Var("((e) => e.target.form?.requestSubmit())")
_APPLY_AFTER_PAUSE = rx.Var(
    "((e) => { const el = e.target; clearTimeout(el._applyTimer);"
    " el._applyTimer = setTimeout(() => el.form?.requestSubmit(), 800); })"
)
_SELECT_STYLE = {"padding": "0.45rem", "width": "100%", "min_height": "2.25rem"}


def _select(label: str, field_id: str, choices: dict[str, str], value: rx.Var) -> rx.Component:
    control = rx.el.select(
        *[rx.el.option(text, value=key) for key, text in choices.items()],
        id=field_id,
        name=field_id,
        default_value=value,
        aria_describedby=f"{field_id}-error",
        aria_invalid=rx.cond(E[field_id], "true", "false"),
        style=_SELECT_STYLE,
        custom_attrs={"onChange": _APPLY_NOW},
    )
    return labelled(label, field_id, control, E[field_id])


def _input(label: str, field_id: str, value: rx.Var, *, apply_on_pause: bool = True, **props: object) -> rx.Component:
    if apply_on_pause:
        props["custom_attrs"] = {"onInput": _APPLY_AFTER_PAUSE}
    control = rx.input(
        id=field_id,
        name=field_id,
        default_value=value,
        aria_describedby=f"{field_id}-error",
        aria_invalid=rx.cond(E[field_id], "true", "false"),
        width="100%",
        **props,
    )
    return labelled(label, field_id, control, E[field_id])


def _skills_filter() -> rx.Component:
    return skill_tags_editor(S, hint="Listings must have every chosen skill.", add_button=False)


def _filters() -> rx.Component:
    """Closed unless a filter is set (a phone sees the results first); a native, keyboard-ready disclosure."""
    return rx.el.details(
        rx.el.summary(
            rx.text("Filters", as_="span", weight="medium"),
            rx.cond(S.filter_count > 0, rx.badge(S.filter_count, " active", margin_left="0.5rem")),
            style={"cursor": "pointer", "padding": "0.25rem 0"},
        ),
        rx.vstack(
            rx.grid(
                _select("Category", "category", {"": "Any category", **CATEGORIES}, S.category),
                _skills_filter(),
                rx.hstack(
                    _input("Minimum budget", "min", S.min_budget, input_mode="decimal", placeholder="0"),
                    _input("Maximum budget", "max", S.max_budget, input_mode="decimal", placeholder="Any"),
                    width="100%",
                ),
                _select("Currency", "currency", {c: c for c in CURRENCIES}, S.currency),
                _select("Remote or on site", "remote", REMOTE_CHOICES, S.remote),
                _input("Location", "location", S.location, placeholder="City or region", max_length=MAX_LOCATION_LEN),
                _select("Deadline", "due", DUE_CHOICES, S.due),
                columns=rx.breakpoints(initial="1", sm="2", md="3"),
                spacing="4",
                width="100%",
            ),
            rx.hstack(
                rx.button("Apply filters", type="submit"),
                rx.link("Clear filters", href="/marketplace"),
                rx.text("Results update as you change a filter.", size="1", color_scheme="gray"),
                align="center",
                wrap="wrap",
                spacing="4",
            ),
            spacing="4",
            padding_top="0.75rem",
            width="100%",
        ),
        open=S.filters_open,
        style={"width": "100%"},
    )


def _search_form() -> rx.Component:
    return rx.el.form(
        rx.vstack(
            rx.flex(
                rx.box(
                    _input(
                        "Search listings",
                        "q",
                        S.q,
                        type="search",
                        placeholder="e.g. logo design, python, move a sofa",
                        max_length=MAX_TEXT_LEN,
                        apply_on_pause=False,
                    ),
                    flex="1 1 16rem",
                ),
                rx.box(_select("Sort by", "sort", SORTS, S.sort), flex="0 1 13rem"),
                rx.button("Search", type="submit", size="2"),
                align="end",
                wrap="wrap",
                spacing="3",
                width="100%",
            ),
            _filters(),
            spacing="3",
            width="100%",
        ),
        key=S.form_key,
        id=FORM_ID,
        on_submit=S.apply_filters,
        aria_label="Search listings",
        role="search",
        width="100%",
    )


# A card is plain elements wearing Radix Themes' own classes (the look of rx.card, rx.heading, rx.text, rx.badge and
# rx.link) laid out by assets/listing_cards.css: twenty of them as Radix components, each working out its props and
# styles in the browser, took about 70 ms of a cold load (bench/pages.py); plain elements render several times faster.
_TEXT = "rt-Text rt-r-size-2"
_LINK = "rt-Text rt-reset rt-Link rt-underline-auto"


def _tone(colour: str) -> dict[str, str]:
    return {"data-accent-color": colour}  # as Radix sets it: "" for the theme's accent


def _badge(text: rx.Var | str, colour: str = "") -> rx.Component:
    return rx.el.span(text, class_name="rt-reset rt-Badge rt-r-size-1 rt-variant-soft", custom_attrs=_tone(colour))


def _link(text: rx.Var | rx.Component, href: rx.Var, extra: str = "") -> rx.Component:
    return ReactRouterLink.create(text, to=href, class_name=f"{_LINK} {extra}".strip(), custom_attrs=_tone(""))


def _card(card: rx.Var) -> rx.Component:
    place = rx.cond(card.remote, "Remote", "On site") + rx.cond(card.location, " · " + card.location, "")
    rating = rx.cond(card.poster_rating == "No reviews yet", card.poster_rating, "★ " + card.poster_rating)
    return rx.el.div(
        rx.el.div(
            _link(rx.el.h2(card.title, class_name="rt-Heading rt-r-size-4"), card.href),
            rx.el.p(card.budget, class_name="rt-Text rt-r-weight-bold", aria_label="Budget " + card.budget),
            class_name="listing-card-head",
        ),
        rx.el.p(card.excerpt, class_name=_TEXT, custom_attrs=_tone("gray")),
        rx.el.div(rx.foreach(card.skills, _badge), class_name="listing-card-skills", aria_label="Skills"),
        rx.el.div(
            _badge(card.category_label, "gray"),
            rx.cond(card.part_of_problem, _badge("Part of a funded problem", "green")),
            rx.el.p(place, class_name=_TEXT),
            rx.el.p(card.due, class_name=_TEXT),
            rx.el.p(card.bids, class_name=_TEXT),
            class_name="listing-card-facts",
        ),
        rx.el.div(
            rx.el.p("Posted ", card.published, " by", class_name=_TEXT, custom_attrs=_tone("gray")),
            _link(card.poster_name, "/u/" + card.poster_username, "rt-r-size-2"),
            rx.el.p(rating, class_name=_TEXT, aria_label="Rating " + card.poster_rating),
            class_name="listing-card-poster",
        ),
        role="listitem",
        aria_label=card.title,
        class_name="rt-reset rt-BaseCard rt-Card rt-r-size-1 rt-variant-surface listing-card",
    )


def _pagination() -> rx.Component:
    return rx.el.nav(
        rx.flex(
            rx.cond(S.prev_href, rx.link("Previous", href=S.prev_href, aria_label="Previous page")),
            rx.foreach(
                S.page_links,
                lambda link: rx.cond(
                    link.current,
                    rx.text(link.label, weight="bold", aria_current="page", aria_label="Page " + link.label),
                    rx.link(link.label, href=link.href, aria_label="Page " + link.label),
                ),
            ),
            rx.cond(S.next_href, rx.link("Next", href=S.next_href, aria_label="Next page")),
            spacing="3",
            wrap="wrap",
            align="center",
            justify="center",
        ),
        aria_label="Pages",
    )


def _results() -> rx.Component:
    return rx.cond(
        S.cards.length() > 0,
        rx.vstack(
            rx.cond(S.spelling_note, rx.text(S.spelling_note, size="2", weight="medium")),
            rx.text(S.total_label, " · page ", S.page, " of ", S.pages, size="2", color_scheme="gray"),
            rx.vstack(rx.foreach(S.cards, _card), role="list", aria_label="Listings", spacing="3", width="100%"),
            rx.cond(S.pages > 1, _pagination()),
            spacing="3",
            width="100%",
        ),
        rx.callout(
            rx.vstack(
                rx.cond(
                    S.has_filters,
                    rx.text("No listings match your search and filters."),
                    rx.text("No open listings yet."),
                ),
                rx.cond(
                    S.has_filters,
                    rx.link("Clear filters", href="/marketplace"),
                    rx.link("Post a task", href="/post"),
                ),
            ),
            icon="search-x",
            role="status",
        ),
    )


def marketplace_page() -> rx.Component:
    return page(
        rx.heading("Marketplace", size="7", as_="h1"),
        rx.text("Browse open tasks and find work that fits your skills.", color_scheme="gray"),
        _search_form(),
        rx.cond(S.loaded, _results(), loading("Searching listings…")),
    )
