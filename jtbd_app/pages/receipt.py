"""/wallet/receipts/[id]: a printable receipt of one payment: who paid, for what, when, the amount with the platform
fee shown, the total, the currency and the payment's reference; test money is marked as such."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.layout import guarded, page
from jtbd_app.state.receipt import ReceiptState

R = ReceiptState.receipt

# On paper: only the receipt (no navigation, footer, buttons or links' colours), black on white.
PRINT_CSS = """
@media print {
  nav, footer, .receipt-screen-only { display: none !important; }
  main { padding: 0 !important; min-height: 0 !important; }
  .receipt-sheet { box-shadow: none !important; border: 1px solid #000 !important; color: #000 !important; }
  .receipt-sheet a { color: #000 !important; text-decoration: none !important; }
  .receipt-test-money { border: 2px solid #000 !important; color: #000 !important; }
}
"""


def _row(label: rx.Var | str, value: rx.Component | rx.Var | str) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label, min_width="10rem"), rx.data_list.value(value))


def _test_money() -> rx.Component:
    return rx.cond(
        R.test_money,
        rx.callout(
            "Test money: this payment was made in the sandbox; no real card was charged and no real money moved.",
            icon="flask-conical",
            color_scheme="amber",
            role="note",
            aria_label="Test money",
            class_name="receipt-test-money",
        ),
    )


def _sheet() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Receipt #", R.number.to_string(), size="7", as_="h1"),
                rx.badge(R.status, variant="soft"),
                align="center",
                wrap="wrap",
            ),
            rx.text("JTBD Marketplace", color_scheme="gray"),
            _test_money(),
            rx.data_list.root(
                _row("Date", R.date),
                _row("Paid by", R.payer_name + " (@" + R.payer_username + ")"),
                _row("For", rx.link(R.purpose, href=R.purpose_link)),
                _row("Paid to", R.payee),
                _row("Amount", R.amount),
                _row(R.fee_label, R.fee),
                rx.cond(R.payee_share_label, _row(R.payee_share_label, R.payee_share)),
                _row("Total charged", rx.text(R.total, weight="bold")),
                _row("Currency", R.currency),
                _row("Payment method", R.method),
                _row("Payment reference", rx.code(R.reference, variant="ghost")),
                aria_label="Receipt details",
            ),
            rx.text(
                "The platform fee is part of the amount, not added to it: you were charged the total above. The "
                "escrow holds the money until you approve the work; the fee is the platform's when it is released.",
                size="2",
                color_scheme="gray",
            ),
            spacing="4",
            width="100%",
        ),
        class_name="receipt-sheet",
        width="100%",
    )


def _receipt() -> rx.Component:
    return rx.vstack(
        rx.el.style(PRINT_CSS),
        rx.hstack(
            rx.link(rx.hstack(rx.icon("arrow-left", size=16), rx.text("Back to your wallet")), href="/wallet"),
            rx.spacer(),
            rx.button(rx.icon("printer", size=16), "Print", on_click=rx.call_script("window.print()")),
            class_name="receipt-screen-only",
            width="100%",
            align="center",
        ),
        _sheet(),
        spacing="4",
        width="100%",
    )


def receipt_page() -> rx.Component:
    return page(guarded(ReceiptState.loaded, ReceiptState.refusal, _receipt(), waiting="Loading the receipt…"))
