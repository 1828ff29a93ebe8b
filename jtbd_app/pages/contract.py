"""/contracts/[id]: the contract workspace: the deal and its money, what to do now, deliveries, the document,
the timeline. Parties and admins only; anyone else is told there is no such contract."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.contract_actions import actions_section
from jtbd_app.components.contract_review import review_panel
from jtbd_app.components.layout import loading, page
from jtbd_app.components.test_money import test_money_banner
from jtbd_app.state.contract import ContractState
from jtbd_app.state.session import SessionState

D = ContractState.detail
STATUS_COLORS = {
    "awaiting_acceptance": "gray",
    "awaiting_funding": "amber",
    "funded": "blue",
    "delivered": "violet",
    "revision_requested": "orange",
    "refunding": "orange",
    "completed": "green",
    "cancelled": "red",
    "expired": "gray",
    "disputed": "red",
}


def _row(label: str, value: rx.Var | str) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def _header() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Contract #", D.id.to_string(), size="7"),
            rx.badge(
                D.status_label,
                color_scheme=rx.match(D.status, *STATUS_COLORS.items(), "gray"),
                variant="soft",
                size="2",
            ),
            align="center",
            wrap="wrap",
        ),
        rx.hstack(
            rx.text("For the listing"),
            rx.link(D.listing_title, href="/listings/" + D.listing_id.to_string()),
            rx.cond(D.thread_link, rx.link("Messages about this contract", href=D.thread_link)),
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            D.read_only,
            rx.callout("You are viewing this contract as an administrator: read only.", icon="eye", role="note"),
        ),
        spacing="2",
        width="100%",
    )


def _summary() -> rx.Component:
    return rx.card(
        rx.data_list.root(
            _row("Client", rx.link(D.client.display_name, href="/u/" + D.client.username)),
            _row("Contractor", rx.link(D.contractor.display_name, href="/u/" + D.contractor.username)),
            _row("Price", D.price),
            _row("Platform fee", D.fee_percent + " (" + D.fee + ")"),
            _row("Contractor receives", D.contractor_receives),
            _row("Escrow holds", D.escrow_held),
            _row("Delivery time", D.delivery_days.to_string() + " day(s) from funding"),
            rx.cond(D.funding_deadline, _row("Fund by", D.funding_deadline)),
            rx.cond(D.due, _row("Due", D.due)),
            rx.cond(D.auto_release, _row("Released automatically on", D.auto_release)),
            _row(
                "Revisions",
                D.revisions_used.to_string()
                + " used of "
                + D.max_revisions.to_string()
                + ", "
                + D.revisions_left.to_string()
                + " left",
            ),
        ),
        aria_label="Contract summary",
        width="100%",
    )


def _delivery(d: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading("Delivery ", d.number.to_string(), size="3", as_="h3"),
                    rx.badge(d.status_label, variant="soft"),
                    rx.text(d.submitted, size="2", color_scheme="gray"),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(d.message, white_space="pre-wrap"),
                rx.cond(
                    d.links.length() > 0,
                    rx.el.ul(
                        rx.foreach(d.links, lambda link: rx.el.li(rx.link(link, href=link, is_external=True))),
                        aria_label="Links",
                    ),
                ),
                rx.cond(
                    d.files.length() > 0,
                    rx.el.ul(
                        rx.foreach(
                            d.files,
                            lambda f: rx.el.li(
                                rx.hstack(
                                    rx.link(
                                        rx.hstack(rx.icon("download", size=14), rx.text(f.filename), spacing="1"),
                                        href=f.url,
                                        aria_label="Download " + f.filename,
                                        is_external=True,
                                    ),
                                    rx.text(f.size, size="1", color_scheme="gray"),
                                    align="center",
                                    spacing="2",
                                )
                            ),
                        ),
                        aria_label="Files",
                    ),
                ),
                rx.cond(
                    d.response,
                    rx.callout(
                        rx.text("The client asked for a revision: ", d.response, white_space="pre-wrap"),
                        icon="message-square",
                        color_scheme="orange",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
        ),
        aria_label="Delivery " + d.number.to_string(),
        style={"list_style": "none"},
    )


def _deliveries() -> rx.Component:
    return rx.vstack(
        rx.heading("Deliveries", size="5", as_="h2"),
        rx.cond(
            D.deliveries.length() > 0,
            rx.el.ul(rx.foreach(D.deliveries, _delivery), style={"padding": "0", "width": "100%"}),
            rx.text("Nothing delivered yet.", color_scheme="gray"),
        ),
        spacing="2",
        width="100%",
    )


def _document() -> rx.Component:
    return rx.vstack(
        rx.heading("The contract", size="5", as_="h2"),
        rx.card(
            rx.vstack(
                rx.text(D.document_title, " (version ", D.document_version.to_string(), ")", weight="bold"),
                rx.box(rx.markdown(D.document_body, use_raw=False), width="100%"),
                spacing="2",
            ),
            width="100%",
        ),
        rx.el.ul(
            rx.foreach(
                D.acceptances,
                lambda a: rx.el.li(
                    rx.cond(
                        a.accepted,
                        rx.text(a.name, " accepted on ", a.when),
                        rx.text(a.name, " has not accepted yet.", color_scheme="gray"),
                    )
                ),
            ),
            aria_label="Acceptances",
        ),
        spacing="2",
        width="100%",
    )


def _timeline() -> rx.Component:
    return rx.vstack(
        rx.heading("Timeline", size="5", as_="h2"),
        rx.el.ol(
            rx.foreach(
                D.timeline,
                lambda t: rx.el.li(
                    rx.hstack(
                        rx.text(t.when, size="2", color_scheme="gray", min_width="7rem"),
                        rx.text(t.detail, size="2"),
                        spacing="3",
                    )
                ),
            ),
            aria_label="Timeline",
            style={"padding_left": "1rem"},
        ),
        spacing="2",
        width="100%",
    )


def _workspace() -> rx.Component:
    return rx.vstack(
        test_money_banner(D.test_money),
        _header(),
        _summary(),
        actions_section(),
        review_panel(),
        _deliveries(),
        _document(),
        _timeline(),
        spacing="5",
        width="100%",
    )


def _not_found() -> rx.Component:
    return rx.vstack(
        rx.heading("Contract not found", size="7"),
        rx.cond(
            ContractState.refusal,
            rx.vstack(
                rx.text(ContractState.refusal),
                rx.cond(~SessionState.signed_in, rx.link("Sign in", href="/login")),
            ),
            rx.text("There is no such contract, or it is not yours to see."),
        ),
        rx.link("Back to the dashboard", href="/"),
    )


def contract_page() -> rx.Component:
    return page(
        rx.cond(
            ContractState.loaded,
            rx.cond(ContractState.found, _workspace(), _not_found()),
            loading("Loading contract…"),
        )
    )
