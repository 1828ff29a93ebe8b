"""The "Outside partners" tab of /providers: filters (kind, category, minimum rating) and each active partner with its
public scorecard."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import labelled, text_field
from jtbd_app.components.layout import loading
from jtbd_app.components.pager import link_pager
from jtbd_app.components.scorecard_chart import scorecard_chart
from jtbd_app.domain import liability
from jtbd_app.domain.partner_query import KIND_LABELS
from jtbd_app.state.partners import PartnersState as S

E = S.errors
V = S.values


def _select(field_id: str, options: rx.Component | list[rx.Component], **props) -> rx.Component:
    children = options if isinstance(options, list) else [options]
    return rx.el.select(
        *children,
        id=field_id,
        name=field_id,
        aria_describedby=f"{field_id}-hint {field_id}-error",
        aria_invalid=rx.cond(E[field_id], "true", "false"),
        style={"padding": "0.4rem", "width": "100%"},
        **props,
    )


def liability_note() -> rx.Component:
    return rx.callout(
        rx.text(
            liability.NOTE + " ",
            rx.link("Read the terms on outside providers", href=liability.TERMS_LINK),
            ".",
        ),
        icon="info",
        color_scheme="gray",
        size="1",
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Filter partners", size="4", as_="h2"),
            labelled(
                "Kind",
                "kind",
                _select(
                    "kind",
                    [rx.el.option("Any kind", value="")]
                    + [rx.el.option(label, value=value) for value, label in KIND_LABELS.items()],
                    default_value=V["kind"],
                ),
                E["kind"],
            ),
            labelled(
                "Category",
                "category",
                _select(
                    "category",
                    [
                        rx.el.option("Any category", value=""),
                        rx.foreach(S.categories, lambda c: rx.el.option(c, value=c)),
                    ],
                    default_value=V["category"],
                ),
                E["category"],
            ),
            text_field(
                "Minimum rating",
                "rating",
                E,
                default_value=V["rating"],
                input_mode="decimal",
                hint="1 to 5; partners with no ratings yet are left out.",
            ),
            rx.hstack(
                rx.button("Filter partners", type="submit"),
                rx.link("Clear filters", href="/providers?tab=partners"),
                align="center",
                spacing="4",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.apply_partner_filters,
        reset_on_submit=False,
        key=S.form_key,
        role="search",
        aria_label="Filter outside partners",
        width="100%",
    )


def _fact(label: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="medium"),
        spacing="0",
    )


def partner_facts(card: rx.Var) -> rx.Component:
    return rx.hstack(
        _fact("Rating", card.rating),
        _fact("Done", card.success),
        _fact("Outcomes reported", card.reported.to_string()),
        _fact("Offered", card.offered.to_string()),
        _fact("Clicks", card.clicks.to_string()),
        _fact("Trend", card.trend),
        wrap="wrap",
        spacing="4",
    )


def partner_heading(card: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.heading(card.name, size="4", as_="h3"),
        rx.badge(card.kind_label, variant="soft"),
        rx.foreach(card.categories, lambda c: rx.badge(c, variant="outline", color_scheme="gray")),
        wrap="wrap",
        align="center",
        spacing="2",
    )


def _card(card: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                partner_heading(card),
                partner_facts(card),
                scorecard_chart(card.chart, card.name),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        aria_label=card.name,
        style={"list_style": "none", "width": "100%", "min_width": "0"},
    )


def _pager() -> rx.Component:
    return link_pager(S.page, S.pages, S.previous_href, S.next_href, label="Pages of partners")


def _results() -> rx.Component:
    return rx.vstack(
        rx.text(
            rx.cond(S.total == 1, "1 partner found", S.total.to_string() + " partners found"),
            role="status",
            weight="medium",
        ),
        rx.cond(
            S.errors["partner_page"],
            rx.text(S.errors["partner_page"], color_scheme="red", size="2", role="alert"),
        ),
        rx.cond(
            S.cards.length() > 0,
            rx.el.ul(
                rx.foreach(S.cards, _card),
                aria_label="Outside partners",
                style={
                    "padding": "0",
                    "margin": "0",
                    "width": "100%",
                    "display": "grid",
                    "grid_template_columns": "minmax(0, 1fr)",
                    "gap": "0.75rem",
                },
            ),
            rx.callout(
                rx.cond(
                    S.filtered,
                    "No partners match these filters. Try another kind or a lower rating.",
                    "No outside partners are offered right now.",
                ),
                icon="search-x",
                role="status",
            ),
        ),
        _pager(),
        spacing="4",
        width="100%",
    )


def partner_browser() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Businesses outside JTBD Marketplace that the Delegate menu sends tasks to, with how members say they did."
        ),
        liability_note(),
        rx.flex(
            rx.box(_filters(), width=rx.breakpoints(initial="100%", md="18rem"), flex_shrink="0"),
            rx.box(rx.cond(S.partners_loaded, _results(), loading("Finding partners…")), width="100%"),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="6",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
