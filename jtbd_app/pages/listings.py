"""/listings/[id]: the listing, its poster and owner controls, assembled with the bids and Q&A components."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error
from jtbd_app.components.layout import link_button, page
from jtbd_app.components.listing_bids import bids_section, confirm_dialog
from jtbd_app.components.listing_questions import questions_section
from jtbd_app.components.report_dialog import report_button, report_dialog
from jtbd_app.components.routed_html import served_html
from jtbd_app.domain.moderation import HIDDEN_LISTING
from jtbd_app.state.listings import ListingState

L = ListingState.listing
E = ListingState.errors


def _viewer_notes() -> rx.Component:
    """What this viewer sees around the summary: a hidden listing's notice, the way back to the problem's plan, the
    report button."""
    return rx.fragment(
        rx.cond(
            L.status == "hidden",
            rx.callout(
                HIDDEN_LISTING + " Only you and the administrators can see it.", icon="info", color_scheme="orange"
            ),
        ),
        rx.cond(L.problem_href, rx.link("See the whole plan of this task's problem", href=L.problem_href)),
        rx.cond(~L.is_owner, report_button("listing", L.id.to_string())),
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
            rx.callout(L.poster.display_name + " invited you to bid on this listing.", icon="mail", role="status"),
        ),
    )


def _listing() -> rx.Component:
    """Everything below the summary, once the page knows its listing and its viewer."""
    return rx.vstack(
        _viewer_notes(),
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
                icon="check",
                role="status",
            ),
        ),
        _owner_controls(),
        _invitations_section(),
        bids_section(),
        questions_section(),
        spacing="5",
        width="100%",
    )


def _not_found() -> rx.Component:
    return rx.vstack(
        rx.heading("Listing not found", size="7"),
        rx.text(
            rx.cond(
                ListingState.missing == HIDDEN_LISTING, HIDDEN_LISTING, "There is no such listing, or it is not public."
            ),
            role="status",
        ),
        rx.link("Browse the marketplace", href="/marketplace"),
    )


def listing_page() -> rx.Component:
    """The summary (title, facts, description, poster) is one region the server builds: the served page already
    holds it (api/listing_page), so it shows before any script has run and stays in place as the page loads."""
    return page(
        report_dialog(),
        rx.cond(
            ListingState.loaded & ~ListingState.found,
            _not_found(),
            rx.vstack(
                served_html(
                    ListingState.summary_html,
                    custom_attrs={"aria-busy": ~ListingState.loaded, "data-loaded": ListingState.loaded},
                ),
                rx.cond(ListingState.loaded, _listing()),
                spacing="5",
                width="100%",
            ),
        ),
        served_content=True,
    )
