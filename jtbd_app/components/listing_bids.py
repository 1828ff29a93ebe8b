"""The bids part of a listing page: the bid form, the bidder's own bid, the owner's view of every bid.

Kept out of pages/listing.py so the page module stays a short assembly; `confirm_dialog` is shared with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from jtbd_app.components.forms import text_field
from jtbd_app.components.profile_photo import avatar
from jtbd_app.components.sign_in_links import sign_in_href
from jtbd_app.domain.moderation import STANDING_LINK
from jtbd_app.state.listings import ListingState
from jtbd_app.state.session import SessionState

if TYPE_CHECKING:  # the read model's type, for the reader; Reflex passes a Var of it
    from jtbd_app.services.marketplace.listing_view import BidItem

L = ListingState.listing
E = ListingState.errors


def confirm_dialog(
    trigger_label: str, title: str, text: str, confirm_label: str, on_confirm: rx.EventHandler, **props: object
) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(trigger_label, type="button", **props)),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(text),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(confirm_label, on_click=on_confirm)),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
        ),
    )


def _message_link(listing_id: rx.Var, username: rx.Var, label: rx.Var | str) -> rx.Component:
    return rx.link(label, href="/messages/open?listing=" + listing_id.to_string() + "&with=" + username)


def _bid_fields(
    prefix_amount: rx.Var | str = "", prefix_message: rx.Var | str = "", prefix_days: rx.Var | str = ""
) -> list[rx.Component]:
    return [
        rx.hstack(
            text_field(
                "Your price (" + L.currency + ")",
                "amount",
                E,
                hint=L.bid_minimum,
                default_value=prefix_amount,
                input_mode="decimal",
                placeholder="400.00",
            ),
            text_field(
                "Delivery estimate (days)",
                "delivery_days",
                E,
                default_value=prefix_days,
                input_mode="numeric",
                placeholder="7",
            ),
            width="100%",
            align="start",
        ),
        text_field(
            "Message to the client",
            "message",
            E,
            multiline=True,
            rows="4",
            default_value=prefix_message,
            hint="How you would do it and why you. Plain text.",
        ),
    ]


def _bid_form() -> rx.Component:
    return rx.el.form(
        rx.vstack(
            rx.heading("Place a bid", size="5", as_="h2"),
            *_bid_fields(),
            rx.button("Place bid", type="submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=ListingState.place_bid,
        reset_on_submit=False,
        aria_label="Place a bid",
        width="100%",
    )


def _my_bid() -> rx.Component:
    b = ListingState.my_bid
    return rx.card(
        rx.cond(
            ListingState.editing_bid,
            rx.el.form(
                rx.vstack(
                    rx.heading("Edit your bid", size="4", as_="h2"),
                    *_bid_fields(b.amount_input, b.message, b.delivery_days.to_string()),
                    rx.hstack(
                        rx.button("Save bid", type="submit"),
                        rx.button("Cancel", type="button", variant="soft", on_click=ListingState.cancel_edit_bid),
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=ListingState.save_bid,
                aria_label="Edit your bid",
                width="100%",
            ),
            rx.vstack(
                rx.hstack(rx.heading("Your bid", size="4", as_="h2"), _bid_status(b), align="center"),
                rx.text(b.amount, " · ", b.delivery_days.to_string(), " days", weight="bold"),
                rx.text(b.message, white_space="pre-wrap"),
                rx.cond(
                    b.status == "rejected",
                    rx.callout("The client chose another offer.", icon="info", color_scheme="gray", role="status"),
                ),
                rx.cond(
                    b.status == "accepted",
                    rx.callout(
                        "You were hired. The contract awaits the client's funding.", icon="check", role="status"
                    ),
                ),
                rx.hstack(
                    rx.cond(
                        b.status == "pending",
                        rx.fragment(
                            rx.button("Edit bid", variant="soft", on_click=ListingState.start_edit_bid),
                            confirm_dialog(
                                "Withdraw bid",
                                "Withdraw your bid?",
                                "The client will no longer see it. You can bid again while the listing is open.",
                                "Withdraw",
                                ListingState.withdraw_bid(b.id),
                                variant="outline",
                                color_scheme="red",
                            ),
                        ),
                    ),
                    _message_link(L.id, L.poster.username, "Message the client"),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                spacing="2",
            ),
        ),
        width="100%",
    )


def _bid_status(b: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.badge(b.status, variant="soft"),
        rx.cond(b.shortlisted, rx.badge("shortlisted", color_scheme="amber", variant="soft")),
        spacing="1",
    )


def _owner_bid(b: BidItem) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                avatar(b.bidder_photo, b.bidder_name, size="2"),
                rx.link(b.bidder_name, href="/u/" + b.bidder_username, weight="bold"),
                _bid_status(b),
                rx.spacer(),
                rx.text(b.amount, weight="bold", size="4"),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.hstack(
                rx.text(b.bidder_rating, size="2"),
                rx.cond(b.skills_match, rx.text("Matches ", b.skills_match, size="2")),
                rx.text(b.delivery_days.to_string(), " days", size="2"),
                rx.text("Bid ", b.placed, size="2", color_scheme="gray"),
                spacing="3",
                wrap="wrap",
            ),
            rx.text(b.message, white_space="pre-wrap"),
            rx.hstack(
                rx.cond(
                    (b.status == "pending") & (L.status == "open"),
                    rx.fragment(
                        rx.button(
                            rx.cond(b.shortlisted, "Remove from shortlist", "Shortlist"),
                            variant="soft",
                            aria_label=rx.cond(b.shortlisted, "Remove from shortlist: ", "Shortlist: ") + b.bidder_name,
                            on_click=ListingState.shortlist(b.id, ~b.shortlisted),
                        ),
                        rx.button(
                            "Decline",
                            variant="outline",
                            color_scheme="red",
                            aria_label="Decline bid from " + b.bidder_name,
                            on_click=ListingState.reject_bid(b.id),
                        ),
                        rx.alert_dialog.root(
                            rx.alert_dialog.trigger(rx.button("Accept", aria_label="Accept bid from " + b.bidder_name)),
                            rx.alert_dialog.content(
                                rx.alert_dialog.title("Hire " + b.bidder_name + " for " + b.amount + "?"),
                                rx.alert_dialog.description(
                                    "A contract is created and waits for your funding. The other bids are declined "
                                    "and every bidder is told."
                                ),
                                rx.hstack(
                                    rx.alert_dialog.cancel(rx.button("Not yet", variant="soft", color_scheme="gray")),
                                    rx.alert_dialog.action(
                                        rx.button("Accept bid", on_click=ListingState.accept_bid(b.id))
                                    ),
                                    justify="end",
                                    spacing="3",
                                    margin_top="1rem",
                                ),
                            ),
                        ),
                    ),
                ),
                _message_link(L.id, b.bidder_username, "Message " + b.bidder_name),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        role="listitem",
    )


def bids_section() -> rx.Component:
    return rx.vstack(
        rx.heading("Bids", size="5", as_="h2"),
        rx.cond(
            L.is_owner,
            rx.cond(
                L.bids.length() > 0,
                rx.vstack(rx.foreach(L.bids, _owner_bid), role="list", aria_label="Bids", width="100%"),
                rx.text("No bids yet. Invite providers from the directory.", color_scheme="gray"),
            ),
            rx.cond(
                ListingState.my_bid.id > 0,
                rx.cond(ListingState.my_bid.status == "withdrawn", rx.cond(L.can_bid, _bid_form()), _my_bid()),
                rx.cond(
                    L.can_bid,
                    _bid_form(),
                    rx.cond(
                        SessionState.signed_in,
                        rx.cond(
                            L.status != "open",
                            rx.text("This listing is not taking bids.", color_scheme="gray"),
                            rx.cond(
                                SessionState.viewer_suspended,
                                rx.callout(
                                    rx.text(
                                        "Your account is suspended, so you cannot bid. ",
                                        rx.link("Your standing and appeal", href=STANDING_LINK),
                                    ),
                                    icon="ban",
                                    color_scheme="red",
                                    role="status",
                                ),
                            ),
                        ),
                        rx.text(rx.link("Sign in to bid or ask a question", href=sign_in_href())),
                    ),
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )
