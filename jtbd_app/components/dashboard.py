"""The signed-in dashboard's sections: each a table with its empty state and its own pager."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.layout import link_button
from jtbd_app.components.pager import button_pager
from jtbd_app.components.table_styles import VISUALLY_HIDDEN, stacked_on_a_phone
from jtbd_app.state.dashboard import DashboardState

B = DashboardState.board


def pager(section: str, info: rx.Var) -> rx.Component:
    return button_pager(info.page, info.pages, lambda n: DashboardState.turn_page(section, n), name=section)


def _table(caption: str, headers: list[str], rows: rx.Var, render: object, empty: rx.Component) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.table.root(
            rx.el.caption(caption, style=VISUALLY_HIDDEN),
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(rows, render)),  # type: ignore[arg-type]
            width="100%",
            variant="surface",
            style=stacked_on_a_phone(headers),
        ),
        empty,
    )


def _stat(label: str, value: rx.Var) -> rx.Component:
    return rx.card(rx.vstack(rx.text(label, size="2", color_scheme="gray"), rx.heading(value.to_string(), size="6")))


def stats() -> rx.Component:
    return rx.grid(
        _stat("Listings posted", B.listings_page.total),
        _stat("Bids waiting on your listings", B.bids_received),
        _stat("Bids you placed", B.bids_page.total),
        _stat("Drafts", B.drafts_page.total),
        rx.link(
            _stat("Unread messages", B.unread_messages),
            href="/messages",
            underline="none",  # its name is what it shows ("Unread messages 2"), as axe's label-in-name asks
        ),
        columns=rx.breakpoints(initial="2", sm="5"),
        spacing="3",
        width="100%",
    )


def my_listings() -> rx.Component:
    return rx.vstack(
        rx.heading("My listings", size="5", as_="h2"),
        _table(
            "My listings",
            ["Listing", "Status", "Bids", "Budget", "Deadline"],
            B.listings,
            lambda r: rx.table.row(
                rx.table.row_header_cell(rx.link(r.title, href="/listings/" + r.id.to_string())),
                rx.table.cell(rx.badge(r.status, variant="soft")),
                rx.table.cell(r.bid_count),
                rx.table.cell(r.budget),
                rx.table.cell(r.deadline),
            ),
            rx.hstack(
                rx.text("You have not posted anything yet.", color_scheme="gray"),
                rx.link("Post a task", href="/post"),
            ),
        ),
        pager("listings", B.listings_page),
        width="100%",
    )


def my_drafts() -> rx.Component:
    return rx.cond(
        B.drafts.length() > 0,
        rx.vstack(
            rx.heading("Drafts", size="5", as_="h2"),
            _table(
                "Drafts",
                ["Draft", "Last edited", ""],
                B.drafts,
                lambda r: rx.table.row(
                    rx.table.row_header_cell(r.title),
                    rx.table.cell(r.updated),
                    rx.table.cell(
                        rx.link("Continue", href="/post?draft=" + r.id.to_string(), aria_label="Continue " + r.title)
                    ),
                ),
                rx.fragment(),
            ),
            pager("drafts", B.drafts_page),
            width="100%",
        ),
    )


def my_bids() -> rx.Component:
    return rx.vstack(
        rx.heading("My bids", size="5", as_="h2"),
        _table(
            "My bids",
            ["Listing", "My price", "State", "Updated"],
            B.bids,
            lambda r: rx.table.row(
                rx.table.row_header_cell(rx.link(r.listing_title, href="/listings/" + r.listing_id.to_string())),
                rx.table.cell(r.amount),
                rx.table.cell(
                    rx.hstack(
                        rx.badge(r.status, variant="soft"),
                        rx.cond(r.shortlisted, rx.badge("shortlisted", color_scheme="amber", variant="soft")),
                    )
                ),
                rx.table.cell(r.updated),
            ),
            rx.hstack(
                rx.text("You have not bid on anything yet.", color_scheme="gray"),
                rx.link("Find work in the marketplace", href="/marketplace"),
            ),
        ),
        pager("bids", B.bids_page),
        width="100%",
    )


def my_contracts() -> rx.Component:
    return rx.cond(
        B.contracts.length() > 0,
        rx.vstack(
            rx.heading("Contracts", size="5", as_="h2"),
            _table(
                "Contracts",
                ["Contract", "Role", "With", "Amount", "State"],
                B.contracts,
                lambda r: rx.table.row(
                    rx.table.row_header_cell(
                        rx.link(r.title, href="/contracts/" + r.id.to_string(), aria_label="Open contract: " + r.title)
                    ),
                    rx.table.cell(r.role),
                    rx.table.cell(r.other_party),
                    rx.table.cell(r.amount),
                    rx.table.cell(rx.badge(r.status, variant="soft")),
                ),
                rx.fragment(),
            ),
            width="100%",
        ),
    )


def quick_actions() -> rx.Component:
    return rx.hstack(
        link_button("Post a task", "/post"),
        link_button("Browse the marketplace", "/marketplace", variant="soft"),
        link_button("Find providers", "/providers", variant="soft"),
        wrap="wrap",
        spacing="3",
    )


def my_invitations() -> rx.Component:
    return rx.cond(
        B.invitations.length() > 0,
        rx.vstack(
            rx.heading("Invitations to bid", size="5", as_="h2"),
            _table(
                "Invitations to bid",
                ["Listing", "From", "Invited", ""],
                B.invitations,
                lambda r: rx.table.row(
                    rx.table.row_header_cell(rx.link(r.listing_title, href="/listings/" + r.listing_id.to_string())),
                    rx.table.cell(r.client_name),
                    rx.table.cell(r.invited_at),
                    rx.table.cell(rx.cond(r.listing_open, rx.badge("open", variant="soft"), rx.badge("closed"))),
                ),
                rx.fragment(),
            ),
            width="100%",
        ),
    )
