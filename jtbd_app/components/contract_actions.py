"""What a party can do on a contract now: accept, fund, deliver and answer a delivery (from contract_delivery),
cancel. Shown only when offered; the services decide again."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.contract_delivery import deliver_form, delivery_review
from jtbd_app.components.forms import form_error
from jtbd_app.components.listing_bids import confirm_dialog
from jtbd_app.components.stripe_card import stripe_card_payment
from jtbd_app.components.test_money import test_card_form
from jtbd_app.state.contracts import ContractState

D = ContractState.detail
A = ContractState.detail.actions
E = ContractState.errors


def _accept() -> rx.Component:
    return rx.cond(
        A.accept_terms,
        rx.card(
            rx.vstack(
                rx.heading("Accept the contract", size="4", as_="h3"),
                rx.text("Read the contract below. Once you both accept it, the client can fund the escrow."),
                rx.button("I accept this contract", on_click=ContractState.accept_terms),
                spacing="2",
            ),
            width="100%",
        ),
    )


def _fund() -> rx.Component:
    sandbox = test_card_form(
        errors=E,
        progress=ContractState.progress,
        pay_label="Pay " + D.price + " into escrow",
        on_submit=ContractState.fund,
        aria_label="Fund the escrow",
        key=ContractState.form_key,
    )
    return rx.cond(
        A.fund,
        rx.card(
            rx.vstack(
                rx.heading("Fund the escrow", size="4", as_="h3"),
                rx.text(
                    "Your payment of ",
                    D.price,
                    " is held in escrow until you approve the delivery. If the work is cancelled by agreement "
                    "before delivery, it is refunded in full.",
                ),
                rx.cond(ContractState.is_stripe, stripe_card_payment(), sandbox),
                spacing="3",
            ),
            width="100%",
        ),
    )


def _cancel() -> rx.Component:
    return rx.hstack(
        rx.cond(
            A.ask_cancel,
            rx.cond(
                D.status == "funded",
                confirm_dialog(
                    "Ask to cancel",
                    "Ask to cancel this contract?",
                    "The other party has to agree. Then the client's payment is refunded in full.",
                    "Ask to cancel",
                    ContractState.ask_cancel,
                    variant="outline",
                    color_scheme="red",
                ),
                confirm_dialog(
                    "Withdraw from this contract",
                    "Withdraw from this contract?",
                    "The contract ends now. No money has moved.",
                    "Withdraw",
                    ContractState.ask_cancel,
                    variant="outline",
                    color_scheme="red",
                ),
            ),
        ),
        rx.cond(
            A.withdraw_cancel,
            rx.button("Withdraw my request to cancel", variant="soft", on_click=ContractState.withdraw_cancel),
        ),
        rx.cond(
            A.agree_cancel,
            confirm_dialog(
                "Agree to cancel",
                "Agree to cancel?",
                "The contract ends and the client's payment of " + D.price + " is refunded in full.",
                "Agree and refund",
                ContractState.agree_cancel,
                color_scheme="red",
            ),
        ),
        rx.cond(
            A.cancel_overdue & ~A.agree_cancel,
            confirm_dialog(
                "Cancel for a full refund",
                "Cancel and get a refund?",
                "Nothing was delivered by the due date. The contract ends and your payment of "
                + D.price
                + " is refunded in full.",
                "Cancel and refund",
                ContractState.agree_cancel,
                color_scheme="red",
            ),
        ),
        rx.cond(
            A.retry_refund,
            rx.button("Retry the refund", on_click=ContractState.retry_refund, loading=ContractState.progress != ""),
        ),
        wrap="wrap",
        spacing="3",
    )


def actions_section() -> rx.Component:
    any_action = (
        A.accept_terms
        | A.fund
        | A.deliver
        | A.approve
        | A.request_revision
        | A.ask_cancel
        | A.withdraw_cancel
        | A.agree_cancel
        | A.cancel_overdue
        | A.retry_refund
    )
    anything = any_action | ContractState.notice | ContractState.progress | E["form"] | D.cancel_note | D.funding_note
    return rx.cond(  # nothing at all when there is nothing to say, so the page keeps an even rhythm
        anything,
        rx.vstack(
            rx.cond(ContractState.notice, rx.callout(ContractState.notice, icon="check", role="status")),
            rx.cond(
                ContractState.progress,
                rx.hstack(rx.spinner(), rx.text(ContractState.progress), role="status", align="center"),
            ),
            form_error(E),
            rx.cond(D.cancel_note, rx.callout(D.cancel_note, icon="info", color_scheme="amber", role="status")),
            rx.cond(
                D.funding_note, rx.callout(D.funding_note, icon="triangle-alert", color_scheme="amber", role="status")
            ),
            rx.cond(
                any_action,
                rx.vstack(
                    rx.heading("What you can do now", size="5", as_="h2"),
                    _accept(),
                    _fund(),
                    deliver_form(),
                    delivery_review(),
                    _cancel(),
                    spacing="3",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
    )
