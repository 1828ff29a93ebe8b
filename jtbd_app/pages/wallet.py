"/wallet: the member's balance, escrow, earnings, payouts and the history of every movement, all from the ledger."

from __future__ import annotations

from typing import Any

import reflex as rx

from jtbd_app.components.forms import form_error
from jtbd_app.components.layout import guarded, page
from jtbd_app.components.pager import button_pager
from jtbd_app.components.test_money import test_money_banner
from jtbd_app.state.wallet import WalletState

W = WalletState.wallet
PAYOUT_COLORS = (("paid", "green"), ("failed", "red"), ("reversed", "orange"))


def _amounts(label: str, amounts: rx.Var, empty: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            rx.cond(
                amounts.length() > 0,
                rx.foreach(amounts, lambda a: rx.text(a, size="6", weight="bold")),
                rx.text(empty, size="6", weight="bold"),
            ),
            spacing="1",
        ),
        role="group",
        aria_label=label,
    )


def _figures() -> rx.Component:
    return rx.grid(
        _amounts("Available to pay out", W.available, "$0.00"),
        _amounts("In escrow for your work", W.escrow_as_contractor, "$0.00"),
        _amounts("Your money in escrow", W.escrow_as_client, "$0.00"),
        _amounts("Paid out in total", W.paid_out, "$0.00"),
        columns=rx.breakpoints(initial="2", sm="4"),
        spacing="3",
        width="100%",
    )


def _caption(text: str) -> rx.Component:
    """Names the table for assistive technology (Radix puts aria-label on a wrapper, not the table)."""
    return rx.el.caption(
        text,
        style={
            "caption_side": "top",
            "text_align": "left",
            "padding": "0.5rem 0.75rem",
            "color": "var(--gray-11)",
            "font_size": "var(--font-size-2)",
        },
    )


def _payout_row(p: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(p.date, white_space="nowrap"),
        rx.table.cell(
            rx.vstack(
                rx.cond(
                    p.contract_link,
                    rx.link("Payout for contract #", p.contract_link.split("/")[-1], href=p.contract_link),
                    rx.text("Payout"),
                ),
                rx.badge(p.status_label, variant="soft", color_scheme=rx.match(p.status, *PAYOUT_COLORS, "gray")),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(p.amount, white_space="nowrap"),
    )


def _payout_setup() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Payouts", size="5", as_="h2"),
            rx.text(
                "Money released to you for your work is sent to your payout account.",
                size="2",
                color_scheme="gray",
            ),
            rx.text("Payout account: ", rx.text.strong(W.payout_account_label)),
            rx.cond(
                W.payout_account != "sandbox",
                rx.hstack(
                    rx.cond(
                        W.payout_account != "enabled",
                        rx.button(
                            rx.cond(W.payout_account == "none", "Set up payouts", "Continue payout setup"),
                            on_click=WalletState.set_up_payouts,
                            loading=WalletState.progress != "",
                        ),
                    ),
                    rx.cond(
                        W.payout_account != "none",
                        rx.button("Refresh payout status", variant="soft", on_click=WalletState.refresh_status),
                    ),
                    spacing="3",
                    wrap="wrap",
                ),
            ),
            rx.cond(
                W.payouts.length() > 0,
                rx.table.root(
                    _caption("Payouts to your payout account"),
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Date"),
                            rx.table.column_header_cell("What"),
                            rx.table.column_header_cell("Amount"),
                        )
                    ),
                    rx.table.body(rx.foreach(W.payouts, _payout_row)),
                    width="100%",
                    variant="surface",
                    size=rx.breakpoints(initial="1", sm="2"),
                ),
                rx.text("No payouts yet.", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _earnings_chart() -> rx.Component:
    return rx.cond(
        W.earnings.length() > 0,
        rx.vstack(
            rx.heading("Earnings per month (", W.chart_currency, ")", size="5", as_="h2"),
            rx.box(
                rx.recharts.bar_chart(
                    rx.recharts.bar(data_key="earned", fill="var(--accent-9)", name="Released to you"),
                    rx.recharts.x_axis(data_key="month"),
                    rx.recharts.y_axis(allow_decimals=False),
                    rx.recharts.graphing_tooltip(),
                    data=W.earnings.to(list[dict[str, Any]]),
                    height=220,
                    width="100%",
                ),
                role="img",
                aria_label="Bar chart of the money released to you per month over the last six months, in whole units",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _history() -> rx.Component:
    return rx.vstack(
        rx.heading("History", size="5", as_="h2"),
        rx.cond(
            W.history.length() > 0,
            rx.table.root(
                _caption("Every movement of your money, newest first"),
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Date"),
                        rx.table.column_header_cell("What"),
                        rx.table.column_header_cell("Amount"),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        W.history,
                        lambda m: rx.table.row(
                            rx.table.cell(m.date, white_space="nowrap"),
                            rx.table.cell(
                                rx.cond(m.contract_link, rx.link(m.description, href=m.contract_link), m.description)
                            ),
                            rx.table.cell(
                                rx.text(m.amount, color_scheme=rx.cond(m.incoming, "green", "gray"), weight="medium"),
                                white_space="nowrap",
                            ),
                        ),
                    )
                ),
                width="100%",
                variant="surface",
                size=rx.breakpoints(initial="1", sm="2"),  # tighter cells on a phone
            ),
            rx.text("No money has moved yet. Payments, releases and payouts appear here.", color_scheme="gray"),
        ),
        button_pager(W.page, W.pages, WalletState.go_to_page, name="history"),
        spacing="2",
        width="100%",
    )


def _wallet() -> rx.Component:
    return rx.vstack(
        test_money_banner(W.test_money),
        rx.heading("Wallet", size="7"),
        rx.cond(WalletState.notice, rx.callout(WalletState.notice, icon="check", role="status")),
        form_error(WalletState.errors),
        _figures(),
        _earnings_chart(),
        _payout_setup(),
        _history(),
        spacing="5",
        width="100%",
    )


def wallet_page() -> rx.Component:
    return page(guarded(WalletState.loaded, WalletState.refusal, _wallet(), waiting="Loading your wallet…"))
