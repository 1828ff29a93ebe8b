"""/marketplace: search box, filters, result cards and pages; every filter is in the URL."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import labelled
from jtbd_app.components.layout import page
from jtbd_app.components.routed_html import routed_html
from jtbd_app.components.skill_tags import skill_tags_editor
from jtbd_app.domain.listing_query import DUE_CHOICES, MAX_LOCATION_LEN, MAX_TEXT_LEN, REMOTE_CHOICES, SORTS
from jtbd_app.domain.marketplace import CATEGORIES
from jtbd_app.domain.money import CURRENCIES
from jtbd_app.state.marketplace import FORM_ID, RESULTS_ID, RESULTS_LOADING, MarketplaceState

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


def marketplace_page() -> rx.Component:
    return page(
        rx.heading("Marketplace", size="7", as_="h1"),
        rx.text("Browse open tasks and find work that fits your skills.", color_scheme="gray"),
        _search_form(),
        # The count, the cards and the pager: markup built on the server, in the served page before any script runs
        # (api/page_files fills it in, not busy). `data-loaded` turns true once this tab's load has answered: React
        # leaves a served attribute as it is when it hydrates, and sets it when its value changes.
        routed_html(
            rx.cond(S.loaded, S.results_html, RESULTS_LOADING),
            id=RESULTS_ID,
            custom_attrs={"aria-busy": ~S.loaded, "data-loaded": S.loaded},
        ),
        served_content=True,
    )
