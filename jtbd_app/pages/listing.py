"""/listings/[id]: the listing, its poster, public Q&A, and bids (the owner sees all, a bidder their own)."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import field_error, form_error, text_field
from jtbd_app.components.layout import link_button, loading, page
from jtbd_app.services.listing_view import BidItem, QuestionItem
from jtbd_app.state.listing import ListingState
from jtbd_app.state.session import SessionState

L = ListingState.listing
E = ListingState.errors
STATUS_COLORS = {"open": "green", "draft": "gray", "closed": "blue", "cancelled": "red", "hidden": "orange"}


def _status_badge(status: rx.Var) -> rx.Component:
    return rx.badge(status, color_scheme=rx.match(status, *STATUS_COLORS.items(), "gray"), variant="soft")


def _message_link(listing_id: rx.Var, username: rx.Var, label: rx.Var | str) -> rx.Component:
    return rx.link(label, href="/messages/open?listing=" + listing_id.to_string() + "&with=" + username)


def _confirm(
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


def _header() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.heading(L.title, size="7"), _status_badge(L.status), align="center", wrap="wrap"),
        rx.hstack(
            rx.badge(rx.icon("wallet", size=12), L.budget, color_scheme="green", size="2"),
            rx.badge(rx.icon("calendar", size=12), L.deadline, size="2", variant="soft"),
            rx.badge(L.category, size="2", variant="soft"),
            rx.badge(rx.cond(L.remote, "Remote", "On site: " + L.location), size="2", variant="soft"),
            rx.cond(L.status == "open", rx.badge(L.bid_count.to_string() + " open bids", size="2", variant="soft")),
            wrap="wrap",
        ),
        rx.text("Posted ", L.published, size="2", color_scheme="gray"),
        spacing="2",
        width="100%",
    )


def _owner_controls() -> rx.Component:
    return rx.cond(
        L.is_owner & (L.status == "open"),
        rx.hstack(
            link_button("Edit listing", "/post?draft=" + L.id.to_string(), variant="soft"),
            _confirm(
                "Close to new bids",
                "Close this listing?",
                "No more bids are taken, and pending bids are declined. This cannot be undone.",
                "Close listing",
                ListingState.end_listing("closed"),
                variant="outline",
            ),
            _confirm(
                "Cancel listing",
                "Cancel this listing?",
                "The job is off: pending bids are declined and bidders are told. This cannot be undone.",
                "Cancel listing",
                ListingState.end_listing("cancelled"),
                variant="outline",
                color_scheme="red",
            ),
            wrap="wrap",
            spacing="3",
        ),
        rx.cond(
            L.is_owner & (L.status == "draft"),
            link_button("Finish this draft", "/post?draft=" + L.id.to_string()),
        ),
    )


def _poster_card() -> rx.Component:
    p = L.poster
    return rx.card(
        rx.vstack(
            rx.heading("Posted by", size="3", as_="h2"),
            rx.link(p.display_name, href="/u/" + p.username, weight="bold"),
            rx.text(p.rating, size="2"),
            rx.text(p.completed.to_string() + " completed contracts", size="2"),
            rx.text("Member since ", p.member_since, size="2", color_scheme="gray"),
            spacing="1",
        ),
        aria_label="About the client",
    )


def _bid_fields(
    prefix_amount: rx.Var | str = "", prefix_message: rx.Var | str = "", prefix_days: rx.Var | str = ""
) -> list[rx.Component]:
    return [
        rx.hstack(
            text_field(
                "Your price (" + L.currency + ")",
                "amount",
                E,
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
    return rx.form(
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
            rx.form(
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
                        "You were hired. The contract awaits the client's funding.", icon="party-popper", role="status"
                    ),
                ),
                rx.hstack(
                    rx.cond(
                        b.status == "pending",
                        rx.fragment(
                            rx.button("Edit bid", variant="soft", on_click=ListingState.start_edit_bid),
                            _confirm(
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


def _invitations_section() -> rx.Component:
    invited = rx.el.ul(
        rx.foreach(
            L.invitations,
            lambda i: rx.el.li(
                rx.hstack(
                    rx.link(i.contractor_name, href="/u/" + i.contractor_username),
                    rx.text("invited ", i.invited_at, size="2", color_scheme="gray"),
                    rx.cond(i.has_bid, rx.badge("has bid", color_scheme="green", variant="soft")),
                    align="center",
                    spacing="2",
                ),
            ),
        ),
        aria_label="Invited providers",
    )
    return rx.cond(
        L.is_owner,
        rx.vstack(
            rx.heading("Invitations", size="5", as_="h2"),
            rx.cond(
                L.invitations.length() > 0,
                invited,
                rx.text("You have not invited anyone yet.", color_scheme="gray"),
            ),
            rx.cond(
                L.status == "open",
                rx.link("Find providers to invite", href="/providers?skills=" + L.skills.join(",")),
            ),
            spacing="2",
            width="100%",
        ),
        rx.cond(
            L.invitations.length() > 0,
            rx.callout(L.poster.display_name + " invited you to bid on this listing.", icon="mail-open", role="status"),
        ),
    )


def _bids_section() -> rx.Component:
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
                        rx.cond(L.status != "open", rx.text("This listing is not taking bids.", color_scheme="gray")),
                        rx.text(rx.link("Sign in", href="/login"), " to bid or ask a question."),
                    ),
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _question(q: QuestionItem) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.text(rx.text.strong(q.asker), " asked ", q.asked, size="2", color_scheme="gray"),
            rx.text(q.body, white_space="pre-wrap"),
            rx.cond(
                q.answer,
                rx.blockquote(rx.text(q.answer, white_space="pre-wrap")),
                rx.cond(
                    L.is_owner,
                    rx.form(
                        rx.el.input(type="hidden", name="question_id", value=q.id.to_string()),
                        rx.vstack(
                            rx.el.label("Your answer", html_for="answer-" + q.id.to_string()),
                            rx.text_area(
                                id="answer-" + q.id.to_string(),
                                name="answer",
                                rows="2",
                                width="100%",
                                aria_describedby="answer-error",
                            ),
                            rx.button("Post answer", type="submit", size="1"),
                            width="100%",
                        ),
                        on_submit=ListingState.answer_question,
                        aria_label="Answer the question from " + q.asker,
                        width="100%",
                    ),
                    rx.text("Not answered yet.", size="2", color_scheme="gray"),
                ),
            ),
            spacing="1",
            width="100%",
        ),
        style={"list_style": "none", "padding": "0.5rem 0", "border_bottom": "1px solid var(--gray-a4)"},
    )


def _questions_section() -> rx.Component:
    return rx.vstack(
        rx.heading("Questions and answers", size="5", as_="h2"),
        field_error(E["answer"], "answer"),
        rx.cond(
            L.questions.length() > 0,
            rx.el.ul(rx.foreach(L.questions, _question), style={"padding": 0, "width": "100%"}),
            rx.text("No questions yet.", color_scheme="gray"),
        ),
        rx.cond(
            SessionState.signed_in & ~L.is_owner & (L.status == "open"),
            rx.form(
                rx.vstack(
                    text_field("Ask a public question", "question", E, multiline=True, rows="2"),
                    rx.button("Ask", type="submit", variant="soft"),
                    width="100%",
                ),
                on_submit=ListingState.ask_question,
                reset_on_submit=True,
                aria_label="Ask a question",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _listing() -> rx.Component:
    return rx.vstack(
        _header(),
        rx.cond(ListingState.notice, rx.callout(ListingState.notice, icon="check", role="status")),
        form_error(E),
        rx.cond(
            L.contract_id > 0,
            rx.callout(
                "Contract #" + L.contract_id.to_string() + " was created and awaits the client's funding.",
                icon="file-check",
                role="status",
            ),
        ),
        _owner_controls(),
        rx.grid(
            rx.vstack(
                rx.box(rx.markdown(L.description, use_raw=False), width="100%"),
                rx.hstack(rx.foreach(L.skills, lambda s: rx.badge(s, size="2")), wrap="wrap", aria_label="Skills"),
                spacing="3",
                width="100%",
            ),
            _poster_card(),
            columns=rx.breakpoints(initial="1", md="3fr 1fr"),
            spacing="5",
            width="100%",
        ),
        _invitations_section(),
        _bids_section(),
        _questions_section(),
        spacing="5",
        width="100%",
    )


def listing_page() -> rx.Component:
    return page(
        rx.cond(
            ListingState.loaded,
            rx.cond(
                ListingState.found,
                _listing(),
                rx.vstack(
                    rx.heading("Listing not found", size="7"),
                    rx.text("There is no such listing, or it is not public."),
                    rx.link("Browse the marketplace", href="/marketplace"),
                ),
            ),
            loading("Loading listing…"),
        )
    )
