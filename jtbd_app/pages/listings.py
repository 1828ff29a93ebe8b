"""/listings/[id]: the listing, its poster and owner controls, assembled with the bids and Q&A components."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error
from jtbd_app.components.layout import link_button, loading, page
from jtbd_app.components.listing_bids import bids_section, confirm_dialog
from jtbd_app.components.listing_questions import questions_section
from jtbd_app.components.member_text import member_text
from jtbd_app.components.report_dialog import report_button, report_dialog
from jtbd_app.domain.moderation import HIDDEN_LISTING
from jtbd_app.state.listings import ListingState

L = ListingState.listing
E = ListingState.errors
STATUS_COLORS = {"open": "green", "draft": "gray", "closed": "blue", "cancelled": "red", "hidden": "orange"}


def _status_badge(status: rx.Var) -> rx.Component:
    return rx.badge(status, color_scheme=rx.match(status, *STATUS_COLORS.items(), "gray"), variant="soft")


def _header() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.heading(L.title, size="7"), _status_badge(L.status), align="center", wrap="wrap"),
        rx.hstack(
            rx.badge(rx.icon("wallet", size=12), L.budget, color_scheme="green", size="2"),
            rx.badge(rx.icon("calendar", size=12), L.deadline, size="2", variant="soft"),
            rx.badge(L.category, size="2", variant="soft"),
            rx.badge(rx.cond(L.remote, "Remote", "On site: " + L.location), size="2", variant="soft"),
            rx.cond(
                L.status == "open",
                rx.badge(
                    rx.cond(L.bid_count == 1, "1 open bid", L.bid_count.to_string() + " open bids"),
                    size="2",
                    variant="soft",
                ),
            ),
            wrap="wrap",
        ),
        rx.hstack(
            rx.text("Posted ", L.published, size="2", color_scheme="gray"),
            rx.cond(~L.is_owner, report_button("listing", L.id.to_string())),
            align="center",
            spacing="3",
        ),
        rx.cond(
            L.status == "hidden",
            rx.callout(
                HIDDEN_LISTING + " Only you and the administrators can see it.", icon="eye-off", color_scheme="orange"
            ),
        ),
        rx.cond(
            L.part_of_problem,
            rx.callout(
                rx.text(
                    "Part of a funded problem: this task is one step of a larger outcome, and its budget is already "
                    "held in escrow.",
                    rx.cond(L.problem_href, rx.link(" See the whole plan.", href=L.problem_href)),
                ),
                icon="badge-check",
                color_scheme="green",
                size="1",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _owner_controls() -> rx.Component:
    return rx.cond(
        L.is_owner & (L.status == "open"),
        rx.hstack(
            link_button("Edit listing", "/post?draft=" + L.id.to_string(), variant="soft"),
            confirm_dialog(
                "Close to new bids",
                "Close this listing?",
                "No more bids are taken, and pending bids are declined. This cannot be undone.",
                "Close listing",
                ListingState.end_listing("closed"),
                variant="outline",
            ),
            confirm_dialog(
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


def _listing() -> rx.Component:
    return rx.vstack(
        _header(),
        rx.cond(ListingState.notice, rx.callout(ListingState.notice, icon="check", role="status")),
        form_error(E),
        rx.cond(
            L.contract_id > 0,
            rx.callout(
                rx.hstack(
                    rx.link(
                        "Open contract #" + L.contract_id.to_string(), href="/contracts/" + L.contract_id.to_string()
                    ),
                    rx.text("Its terms, funding, deliveries and payment are there."),
                    spacing="2",
                    wrap="wrap",
                ),
                icon="file-check",
                role="status",
            ),
        ),
        _owner_controls(),
        rx.grid(
            rx.vstack(
                member_text(L.description_html),
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
        bids_section(),
        questions_section(),
        spacing="5",
        width="100%",
    )


def listing_page() -> rx.Component:
    return page(
        report_dialog(),
        rx.cond(
            ListingState.loaded,
            rx.cond(
                ListingState.found,
                _listing(),
                rx.vstack(
                    rx.heading("Listing not found", size="7"),
                    rx.text(
                        rx.cond(
                            ListingState.missing == HIDDEN_LISTING,
                            HIDDEN_LISTING,
                            "There is no such listing, or it is not public.",
                        ),
                        role="status",
                    ),
                    rx.link("Browse the marketplace", href="/marketplace"),
                ),
            ),
            loading("Loading listing…"),
        ),
    )
