"""/admin/partners: every outside partner with its status and scorecard; edit its links, suspend or reinstate it."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import field_input, form_error, labelled, text_field
from jtbd_app.components.layout import guarded, page
from jtbd_app.components.pager import button_pager
from jtbd_app.components.partner_browser import partner_facts, partner_heading
from jtbd_app.components.scorecard_chart import scorecard_chart
from jtbd_app.state.partners import AdminPartnersState as S

E = S.errors
M = S.managed


def _status(row: rx.Var) -> rx.Component:
    return rx.cond(
        row.status == "active",
        rx.badge("Active", color_scheme="green"),
        rx.badge("Suspended", color_scheme="red"),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(partner_heading(row.card), _status(row), wrap="wrap", align="center", spacing="3"),
                rx.cond(row.suspended_note, rx.text(row.suspended_note, size="2", color_scheme="red")),
                rx.text("Links: ", rx.code(row.effective_template), size="2", word_break="break-all"),
                rx.cond(row.template_note, rx.text(row.template_note, size="2", color_scheme="amber")),
                rx.text(
                    "Affiliate parameters: ",
                    rx.cond(
                        row.affiliate_params,
                        rx.code(row.affiliate_params),
                        rx.cond(row.default_affiliate_params, rx.code(row.default_affiliate_params), "none"),
                    ),
                    size="2",
                ),
                partner_facts(row.card),
                scorecard_chart(row.card.chart, row.card.name),
                rx.button(
                    "Manage " + row.card.name,
                    variant="soft",
                    on_click=S.open_manage(row.card.key),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        aria_label=row.card.name,
        style={"list_style": "none", "width": "100%", "min_width": "0"},
    )


def _key_field() -> rx.Component:
    return rx.el.input(type="hidden", name="key", value=S.managing)


def _links_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Links", size="3", as_="h3"),
            _key_field(),
            text_field(
                "Link template",
                "link_template",
                E,
                default_value=M.link_template,
                placeholder=M.default_template,
                hint="An https link to " + M.hosts + " with {query}, {title}, {category}, {location} or {zip}. "
                "Leave it empty for the default.",
            ),
            text_field(
                "Affiliate parameters",
                "affiliate_params",
                E,
                default_value=M.affiliate_params,
                placeholder=M.default_affiliate_params,
                hint="A query string such as tag=yourtag-20; empty for the default from the settings.",
            ),
            rx.button("Save links", type="submit"),
            spacing="2",
            width="100%",
        ),
        on_submit=S.save_links,
        reset_on_submit=False,
        aria_label="Links of " + M.card.name,
        width="100%",
    )


def _status_form(verb: str, handler, colour: str) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading(verb, size="3", as_="h3"),
            _key_field(),
            labelled(
                "Reason",
                "reason",
                field_input("reason", E, multiline=True, rows="3", max_length=1000),
                E["reason"],
                hint="Required; kept in the audit log.",
            ),
            rx.button(f"{verb} " + M.card.name, type="submit", color_scheme=colour),
            spacing="2",
            width="100%",
        ),
        on_submit=handler,
        reset_on_submit=False,
        aria_label=f"{verb} " + M.card.name,
        width="100%",
    )


def _manage_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Manage ", M.card.name),
            rx.dialog.description(
                rx.cond(M.suspended_note, M.suspended_note, "Active: offered in the Delegate menu."),
                size="2",
                margin_bottom="0.75rem",
            ),
            rx.vstack(
                form_error(E),
                rx.cond(S.message, rx.callout(S.message, icon="check", role="status")),
                rx.fragment(
                    _links_form(),
                    rx.cond(
                        M.status == "active",
                        _status_form("Suspend", S.suspend_partner, "red"),
                        _status_form("Reinstate", S.reinstate_partner, "green"),
                    ),
                    key=S.form_key,
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Close", type="button", variant="soft")),
                    justify="end",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
        ),
        open=S.manage_open,
        on_open_change=S.set_manage_open,
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.link("Administration", href="/admin"), rx.text("/"), rx.text("Partners"), spacing="2"),
        rx.heading("Outside partners", size="7"),
        rx.text(
            "Every partner the Delegate menu can offer, with its scorecard. The curation rule suspends a partner whose "
            "ratings or success rate fall too low; you are told when it does. Suspended partners are never offered."
        ),
        rx.cond(S.message & ~S.manage_open, rx.callout(S.message, icon="check", role="status")),
        rx.el.ul(
            rx.foreach(S.rows, _row),
            aria_label="Partners",
            style={
                "padding": "0",
                "margin": "0",
                "width": "100%",
                "display": "grid",
                "grid_template_columns": "minmax(0, 1fr)",
                "gap": "0.75rem",
            },
        ),
        button_pager(S.page, S.pages, S.go_to_page, name="partners"),
        _manage_dialog(),
        spacing="4",
        width="100%",
    )


def admin_partners_page() -> rx.Component:
    return page(guarded(S.loaded, S.refusal, _content(), waiting="Checking your access…"), width="72rem")
