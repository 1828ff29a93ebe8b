"/wallet: the member's balance, escrow, earnings, payouts and the history of every movement, all from the ledger."

from __future__ import annotations

from typing import Any

import reflex as rx

from jtbd_app.components.forms import form_error
from jtbd_app.components.layout import guarded, page
from jtbd_app.components.pager import button_pager
from jtbd_app.components.table_styles import stacked_on_a_phone
from jtbd_app.components.test_money import test_money_banner
from jtbd_app.state.wallet import WalletState

W = WalletState.wallet
PAYOUT_COLORS = (("paid", "green"), ("failed", "red"), ("reversed", "orange"))


# What each total means; the same words are in the README's wallet section.
DEFINITIONS = (
    ("Paid in", "what you paid by card into the escrow of your contracts and problems."),
    (
        "Spent",
        "what was released from your escrow to contractors: what they received plus the platform fee, which is "
        "part of the price, not added to it. Money still in escrow or refunded to you is not spent.",
    ),
    ("In escrow now", "your money held for work not yet approved, including a funded problem's budget."),
    ("Refunded to you", "what went back to your card from an escrow."),
    ("Earned", "what was released to you for your work, after the platform fee."),
    ("In escrow for your work", "what clients have paid in for your contracts that is not released yet."),
    ("Available to pay out", "released to you and not yet sent to your payout account."),
    ("Paid out in total", "sent to your payout account, less any payout the gateway took back."),
)


def _figure(label: str, amount: rx.Var, currency: rx.Var, note: rx.Component | None = None) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            rx.text(amount, size=rx.breakpoints(initial="5", sm="6"), weight="bold"),  # "$12,345.67" fits a phone
            *([note] if note is not None else []),
            spacing="1",
        ),
        role="group",
        aria_label=label + ", " + currency,  # one group per currency: "Spent, EUR"
    )


def _side(title: str, figures: list[rx.Component]) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="3", as_="h3"),
        rx.grid(*figures, columns=rx.breakpoints(initial="2", sm="4"), spacing="3", width="100%"),
        spacing="2",
        width="100%",
    )


def _currency_summary(s: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("In ", s.currency, size="4", as_="h2"),
            rx.cond(
                s.as_client,
                _side(
                    "As a client",
                    [
                        _figure("Paid in", s.paid_in, s.currency),
                        _figure(
                            "Spent",
                            s.spent,
                            s.currency,
                            rx.text("incl. ", s.fees, " platform fees", size="1", color_scheme="gray"),
                        ),
                        _figure("Your money in escrow", s.in_escrow, s.currency),
                        _figure("Refunded to you", s.refunded, s.currency),
                    ],
                ),
            ),
            rx.cond(
                s.as_contractor,
                _side(
                    "As a contractor",
                    [
                        _figure("Earned", s.earned, s.currency),
                        _figure("In escrow for your work", s.pending, s.currency),
                        _figure("Available to pay out", s.available, s.currency),
                        _figure("Paid out in total", s.paid_out, s.currency),
                    ],
                ),
            ),
            spacing="3",
            width="100%",
        ),
        role="region",
        aria_label="Totals in " + s.currency,
        width="100%",
    )


def _definitions() -> rx.Component:
    return rx.el.details(
        rx.el.summary("What these totals mean", style={"cursor": "pointer", "color": "var(--gray-11)"}),
        rx.el.dl(
            *[
                rx.fragment(
                    rx.el.dt(term, style={"font_weight": "600", "margin_top": "0.5rem"}),
                    rx.el.dd(text, style={"margin_left": "0", "color": "var(--gray-11)"}),
                )
                for term, text in DEFINITIONS
            ],
        ),
        style={"font_size": "var(--font-size-2)", "width": "100%"},
    )


def _figures() -> rx.Component:
    return rx.cond(
        W.summaries.length() > 0,
        rx.vstack(
            rx.foreach(W.summaries, _currency_summary),
            _definitions(),
            spacing="3",
            width="100%",
        ),
        rx.callout(
            "No money yet: your totals appear here, in each currency you use, once you fund a contract or a problem "
            "or are paid for work.",
            icon="wallet",
            role="status",
            aria_label="No money yet",
        ),
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
                    style=stacked_on_a_phone(["Date", "What", "Amount"]),
                    size=rx.breakpoints(initial="1", sm="2"),
                ),
                rx.text("No payouts yet.", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _money_chart(chart: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.heading("Money per month in ", chart.currency, size="4", as_="h3"),
        rx.box(
            rx.recharts.bar_chart(
                rx.recharts.bar(data_key="paid_in", fill="var(--gray-9)", name="You paid in"),
                rx.recharts.bar(data_key="earned", fill="var(--accent-9)", name="Released to you"),
                rx.recharts.x_axis(data_key="month"),
                rx.recharts.y_axis(allow_decimals=False),
                rx.recharts.graphing_tooltip(),
                rx.recharts.legend(),
                data=chart.months.to(list[dict[str, Any]]),
                height=220,
                width="100%",
            ),
            role="img",
            aria_label="Bar chart of the money released to you and the money you paid in per month over the last "
            "six months, in whole " + chart.currency,
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _charts() -> rx.Component:
    return rx.cond(
        W.charts.length() > 0,
        rx.vstack(
            rx.heading("Over time", size="5", as_="h2"),
            rx.foreach(W.charts, _money_chart),
            spacing="3",
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
                                rx.vstack(
                                    rx.cond(
                                        m.contract_link, rx.link(m.description, href=m.contract_link), m.description
                                    ),
                                    rx.cond(
                                        m.receipt_link,
                                        rx.link(
                                            rx.hstack(rx.icon("receipt", size=14), rx.text("Receipt"), spacing="1"),
                                            href=m.receipt_link,
                                            aria_label="Receipt: " + m.description,
                                            size="2",
                                        ),
                                    ),
                                    spacing="1",
                                    align="start",
                                )
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
                style=stacked_on_a_phone(["Date", "What", "Amount"]),
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
        _charts(),
        _payout_setup(),
        _history(),
        spacing="5",
        width="100%",
    )


def wallet_page() -> rx.Component:
    return page(guarded(WalletState.loaded, WalletState.refusal, _wallet(), waiting="Loading your wallet…"))
