"""Where a contract stands, in words for the party reading it: the status badge, what happens next, and how it ended.

The badge alone says "Funded: work in progress" to both sides; a party also wants to know whether they are the one
expected to act, and by when.
"""

from __future__ import annotations

import reflex as rx

from jtbd_app.state.contracts import ContractState

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
# The timeline event that ended a contract, and how to show it.
ENDED_BY = {"released": ("circle-check", "green"), "cancelled": ("circle-x", "red"), "expired": ("clock", "gray")}


def status_badge() -> rx.Component:
    return rx.badge(
        D.status_label,
        color_scheme=rx.match(D.status, *STATUS_COLORS.items(), "gray"),
        variant="soft",
        size="2",
        role="status",
        aria_label="Contract status",
        white_space="normal",
    )


def _by_role(client: rx.Component | rx.Var | str, contractor: rx.Component | rx.Var | str) -> rx.Component:
    return rx.cond(D.role == "client", client, contractor)


def _line(*parts: rx.Var | str) -> rx.Component:
    return rx.fragment(*parts)  # inside the callout's own paragraph


def _next_step_text() -> rx.Component:
    return rx.match(
        D.status,
        (
            "awaiting_acceptance",
            _line("Both of you accept the contract below; then the client pays the price into escrow."),
        ),
        (
            "awaiting_funding",
            _by_role(
                _line("Pay the price into escrow by ", D.funding_deadline, " so the work can start."),
                _line(
                    "Waiting for the client to fund the escrow (by ",
                    D.funding_deadline,
                    "). Start the work once it is funded.",
                ),
            ),
        ),
        (
            "funded",
            _by_role(
                _line("Your payment is held in escrow while the contractor works. Delivery is due ", D.due, "."),
                _line("The escrow is funded: the work can start. Deliver by ", D.due, "."),
            ),
        ),
        (
            "delivered",
            _by_role(
                _line(
                    "Check the delivery, then approve it or ask for a revision. Without an answer the escrow is "
                    "released automatically on ",
                    D.auto_release,
                    ".",
                ),
                _line(
                    "Waiting for the client's review. Without an answer the escrow is released to you "
                    "automatically on ",
                    D.auto_release,
                    ".",
                ),
            ),
        ),
        (
            "revision_requested",
            _by_role(
                _line("Waiting for the contractor to deliver again, by " + D.revision_due + "."),
                _line("The client asked for a revision: deliver again below, by " + D.revision_due + "."),
            ),
        ),
        ("refunding", _line("The client's payment is being refunded; the contract then ends.")),
        ("disputed", _line("The escrow is frozen until an administrator decides the dispute.")),
        rx.fragment(),
    )


def next_step() -> rx.Component:
    """One sentence on what happens next and who acts; nothing for an administrator or an ended contract."""
    open_status = rx.Var.create(
        [
            "awaiting_acceptance",
            "awaiting_funding",
            "funded",
            "delivered",
            "revision_requested",
            "refunding",
            "disputed",
        ]
    ).contains(D.status)
    return rx.cond(
        ~D.read_only & open_status,
        rx.callout.root(
            rx.callout.icon(rx.icon("info")),
            rx.callout.text(
                rx.cond(
                    D.frozen,
                    _line(
                        "On hold for an administrator: nothing is released or refunded until they decide. "
                        + D.frozen_reason
                    ),
                    _next_step_text(),
                )
            ),
            color_scheme="gray",
            variant="surface",
            role="note",
            aria_label="Next step",
        ),
    )


def outcome() -> rx.Component:
    """How an ended contract ended (the release, refund or expiry), from the event that ended it."""
    return rx.foreach(
        D.timeline,
        lambda t: rx.match(
            t.kind,
            *[
                (
                    kind,
                    rx.callout(
                        t.detail, icon=icon, color_scheme=color, role="note", aria_label="How the contract ended"
                    ),
                )
                for kind, (icon, color) in ENDED_BY.items()
            ],
            rx.fragment(),
        ),
    )
