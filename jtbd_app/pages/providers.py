"""/providers: find a contractor by text, skills, rating, rate and place and invite them to bid; or browse the outside
partners the Delegate menu offers, with their scorecards (the "Outside partners" tab, `?tab=partners`)."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import labelled, text_field
from jtbd_app.components.invitations import invite_action, invite_dialog, no_listing_hint
from jtbd_app.components.layout import loading, page
from jtbd_app.components.pager import link_pager
from jtbd_app.components.partner_browser import partner_browser
from jtbd_app.domain.money import CURRENCIES
from jtbd_app.domain.provider_query import REMOTE_CHOICES, SORTS
from jtbd_app.state.partners import PartnersState as P
from jtbd_app.state.providers import ProvidersState as S

E = S.errors
V = S.values


def _select(field_id: str, options: dict[str, str], errors: rx.Var, **props) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(label, value=value) for value, label in options.items()],
        id=field_id,
        name=field_id,
        aria_describedby=f"{field_id}-hint {field_id}-error",
        aria_invalid=rx.cond(errors[field_id], "true", "false"),
        style={"padding": "0.4rem", "width": "100%"},
        **props,
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Filters", size="4", as_="h2"),
            text_field("Search providers", "q", E, default_value=V["q"], type="search", placeholder="Name, skill, bio"),
            text_field(
                "Skills",
                "skills",
                E,
                default_value=V["skills"],
                placeholder="python, sql",
                hint="Comma-separated; providers must have all of them.",
            ),
            text_field(
                "Minimum rating", "min_rating", E, default_value=V["min_rating"], input_mode="decimal", hint="0 to 5"
            ),
            rx.hstack(
                text_field("Lowest rate", "min_rate", E, default_value=V["min_rate"], input_mode="decimal"),
                text_field("Highest rate", "max_rate", E, default_value=V["max_rate"], input_mode="decimal"),
                width="100%",
            ),
            labelled(
                "Currency",
                "currency",
                _select(
                    "currency",
                    {c: c for c in CURRENCIES},
                    E,
                    default_value=rx.cond(V["currency"], V["currency"], "USD"),
                ),
                E["currency"],
                hint="Hourly rates per hour in this currency.",
            ),
            labelled(
                "Works",
                "remote",
                _select("remote", REMOTE_CHOICES, E, default_value=rx.cond(V["remote"], V["remote"], "any")),
                E["remote"],
            ),
            text_field("Location", "location", E, default_value=V["location"], placeholder="City or country"),
            text_field(
                "Minimum completed contracts",
                "min_completed",
                E,
                default_value=V["min_completed"],
                input_mode="numeric",
            ),
            rx.hstack(
                rx.button("Search", type="submit"),
                rx.link("Clear filters", href="/providers"),
                align="center",
                spacing="4",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.apply_filters,
        reset_on_submit=False,
        key=S.form_key,
        role="search",
        aria_label="Filter providers",
        width="100%",
    )


def _fact(icon: str, text) -> rx.Component:
    return rx.hstack(rx.icon(icon, size=14, aria_hidden="true"), rx.text(text, size="2"), spacing="1", align="center")


def _card(card: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.avatar(fallback=card.display_name[0], size="4"),
                    rx.vstack(
                        rx.link(rx.heading(card.display_name, size="4", as_="h3"), href="/u/" + card.username),
                        rx.text("@", card.username, size="2", color_scheme="gray"),
                        spacing="0",
                    ),
                    rx.spacer(),
                    rx.cond(card.hourly_rate, rx.badge(card.hourly_rate, color_scheme="green", size="2")),
                    align="center",
                    width="100%",
                ),
                rx.cond(card.headline, rx.text(card.headline)),
                rx.cond(
                    card.skills.length() > 0,
                    rx.hstack(
                        rx.foreach(card.skills, lambda s: rx.badge(s, variant="soft", role="listitem")),
                        wrap="wrap",
                        role="list",
                        aria_label="Skills of " + card.display_name,
                    ),
                ),
                rx.hstack(
                    _fact("star", card.rating),
                    _fact("briefcase", card.completed_contracts.to_string() + " completed contracts"),
                    _fact("globe", rx.cond(card.remote, "Works remotely", "On site only")),
                    rx.cond(card.location, _fact("map-pin", card.location)),
                    _fact("calendar", "Member since " + card.member_since),
                    wrap="wrap",
                    spacing="3",
                ),
                invite_action(card.username, card.display_name),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        aria_label=card.display_name,
        style={"list_style": "none", "width": "100%"},
    )


def _pager() -> rx.Component:
    return link_pager(S.page, S.pages, S.previous_href, S.next_href, label="Pages")


def _results() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(
                rx.cond(S.total == 1, "1 provider found", S.total.to_string() + " providers found"),
                role="status",
                weight="medium",
            ),
            rx.spacer(),
            rx.el.label("Sort by", html_for="sort", style={"font_weight": "500"}),
            rx.box(
                rx.el.select(
                    *[rx.el.option(label, value=value) for value, label in SORTS.items()],
                    id="sort",
                    value=S.sort,
                    on_change=S.change_sort,
                    aria_describedby="sort-error",
                    style={"padding": "0.4rem"},
                ),
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(E["sort"], rx.text(E["sort"], id="sort-error", color_scheme="red", size="2", role="alert")),
        rx.cond(
            S.cards.length() > 0,
            rx.el.ul(
                rx.foreach(S.cards, _card),
                aria_label="Providers",
                style={"padding": "0", "margin": "0", "width": "100%", "display": "grid", "gap": "0.75rem"},
            ),
            rx.callout(
                rx.cond(
                    S.filtered,
                    "No providers match these filters. Try fewer skills or a wider rate range.",
                    "No providers on this page.",
                ),
                icon="search-x",
                role="status",
            ),
        ),
        _pager(),
        spacing="4",
        width="100%",
    )


def _contractors() -> rx.Component:
    return rx.vstack(
        rx.text("Contractors on JTBD Marketplace. Filter by skills, rating, rate and place, then invite them to bid."),
        no_listing_hint(),
        rx.flex(
            rx.box(_filters(), width=rx.breakpoints(initial="100%", md="18rem"), flex_shrink="0"),
            rx.box(
                rx.cond(S.loaded, _results(), loading("Finding providers…")),
                width="100%",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="6",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def providers_page() -> rx.Component:
    return page(
        rx.heading("Providers", size="7"),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Contractors here", value="contractors"),
                rx.tabs.trigger("Outside partners", value="partners"),
            ),
            rx.tabs.content(_contractors(), value="contractors", padding_top="1rem"),
            rx.tabs.content(partner_browser(), value="partners", padding_top="1rem"),
            value=P.tab,
            on_change=P.choose_tab,
            width="100%",
        ),
        invite_dialog(),
        width="72rem",
    )
