"""/contracts/[id]: the contract workspace: the deal and its money, what to do now, deliveries, the document,
the timeline. Parties and admins only; anyone else is told there is no such contract."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.contract_actions import actions_section
from jtbd_app.components.contract_checklist import checklist_panel
from jtbd_app.components.contract_status import next_step, outcome, status_badge
from jtbd_app.components.dispute_panel import dispute_panel
from jtbd_app.components.layout import loading, page
from jtbd_app.components.member_text import member_text
from jtbd_app.components.reviews import review_panel
from jtbd_app.components.sign_in_links import sign_in_href
from jtbd_app.components.test_money import test_money_banner
from jtbd_app.state.contracts import ContractState
from jtbd_app.state.session import SessionState

D = ContractState.detail
ENDED = rx.Var.create(["cancelled", "expired"])


def _row(label: str, value: rx.Var | str) -> rx.Component:
    # On a phone a long label wraps rather than squeeze the value into a narrow column.
    label_width = rx.breakpoints(initial="8rem", sm="none")
    return rx.data_list.item(
        rx.data_list.label(label, min_width="8rem", max_width=label_width), rx.data_list.value(value)
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Contract #", D.id.to_string(), size="7"),
            status_badge(),
            align="center",
            wrap="wrap",
        ),
        rx.text("For the listing ", rx.link(D.listing_title, href="/listings/" + D.listing_id.to_string())),
        rx.cond(
            D.thread_link,
            rx.link(
                rx.hstack(rx.icon("message-square", size=16), rx.text("Messages about this contract"), spacing="1"),
                href=D.thread_link,
            ),
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
            rx.cond(
                D.receipt_link,
                _row(
                    "Payment", rx.link(rx.hstack(rx.icon("receipt", size=14), rx.text("Receipt")), href=D.receipt_link)
                ),
            ),
            _row("Delivery time", D.delivery_days.to_string() + " day(s) from funding"),
            rx.cond(D.funding_deadline, _row("Fund by", D.funding_deadline)),
            rx.cond(D.due & ~ENDED.contains(D.status), _row("Due", D.due)),
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
                rx.cond(d.reported_number, rx.text(rx.text.strong("Reported number: "), d.reported_number)),
                rx.cond(
                    d.links.length() > 0,
                    rx.el.ul(
                        rx.foreach(
                            d.links,
                            lambda link: rx.el.li(
                                rx.link(link, href=link, is_external=True, style={"overflow_wrap": "anywhere"})
                            ),
                        ),
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
                                        rx.hstack(
                                            rx.icon("download", size=14, flex_shrink="0"),
                                            rx.text(f.filename, style={"overflow_wrap": "anywhere"}),
                                            spacing="1",
                                            align="center",
                                        ),
                                        href=f.url,
                                        aria_label="Download " + f.filename,
                                        is_external=True,
                                    ),
                                    rx.text(f.size, size="1", color_scheme="gray", white_space="nowrap"),
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
    """Shown once work may be delivered (an unfunded or cancelled contract has none to show)."""
    return rx.cond(
        (D.deliveries.length() > 0) | (D.status == "funded"),
        rx.vstack(
            rx.heading("Deliveries", size="5", as_="h2"),
            rx.cond(
                D.deliveries.length() > 0,
                rx.el.ul(
                    rx.foreach(D.deliveries, _delivery),
                    aria_label="Deliveries",
                    style={"padding": "0", "width": "100%"},
                ),
                rx.text("Nothing delivered yet.", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
    )


def _acceptances() -> rx.Component:
    return rx.el.ul(
        rx.foreach(
            D.acceptances,
            lambda a: rx.el.li(
                rx.cond(
                    a.accepted,
                    rx.hstack(
                        rx.icon("circle-check", size=16, color="var(--green-9)", flex_shrink="0"),
                        rx.text(a.name, " accepted on ", a.when),
                        spacing="2",
                        align="center",
                    ),
                    rx.hstack(
                        rx.icon("circle-dashed", size=16, color="var(--gray-9)", flex_shrink="0"),
                        rx.text(a.name, " has not accepted yet.", color_scheme="gray"),
                        spacing="2",
                        align="center",
                    ),
                ),
                style={"list_style": "none"},
            ),
        ),
        aria_label="Acceptances",
        style={"padding": "0", "margin": "0"},
    )


def _document() -> rx.Component:
    """Open while the parties are asked to accept it; folded away afterwards, one click from reading."""
    return rx.vstack(
        rx.heading("The contract", size="5", as_="h2"),
        _acceptances(),
        rx.card(
            rx.el.details(
                rx.el.summary(
                    D.document_title,
                    " (version ",
                    D.document_version.to_string(),
                    ")",
                    style={"font_weight": "bold", "cursor": "pointer"},
                ),
                member_text(D.document_html),
                open=D.status == "awaiting_acceptance",
            ),
            width="100%",
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
                    rx.flex(  # when above what on a phone, beside it on a wider screen
                        rx.text(t.when, size="2", color_scheme="gray", min_width="7rem", flex_shrink="0"),
                        rx.text(t.detail, size="2"),
                        direction=rx.breakpoints(initial="column", sm="row"),
                        spacing=rx.breakpoints(initial="0", sm="3"),
                    ),
                    style={"margin_bottom": "0.35rem"},
                ),
            ),
            aria_label="Timeline",
            style={"padding_left": "1rem", "margin": "0"},
        ),
        spacing="2",
        width="100%",
    )


def _workspace() -> rx.Component:
    return rx.vstack(
        test_money_banner(D.test_money),
        _header(),
        outcome(),
        next_step(),
        _summary(),
        checklist_panel(),
        actions_section(),
        dispute_panel(),
        rx.cond(D.status == "completed", review_panel()),
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
                rx.cond(~SessionState.signed_in, rx.link("Sign in", href=sign_in_href())),
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
