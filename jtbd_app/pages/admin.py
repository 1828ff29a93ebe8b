"""/admin: the admin home."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.layout import guarded, page
from jtbd_app.state.admin import AdminState


def _stat(label: str, key: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            rx.text(AdminState.counts[key].to_string(), size="7", weight="bold"),
        ),
        width="100%",
    )


def _overview() -> rx.Component:
    return rx.vstack(
        rx.heading("Administration", size="7"),
        rx.grid(
            _stat("Members", "users"),
            _stat("Admins", "admins"),
            _stat("Suspended", "suspended"),
            _stat("Active sessions", "active_sessions"),
            columns=rx.breakpoints(initial="2", sm="4"),
            spacing="3",
            width="100%",
        ),
        rx.heading("Sign-ups in the last 14 days", size="4", as_="h2"),
        rx.box(
            rx.recharts.bar_chart(
                rx.recharts.bar(data_key="members", fill="var(--accent-9)", name="New members"),
                rx.recharts.x_axis(data_key="day"),
                rx.recharts.y_axis(allow_decimals=False),
                rx.recharts.graphing_tooltip(),
                data=AdminState.signups,
                height=220,
                width="100%",
            ),
            role="img",
            aria_label="Bar chart of new members per day over the last 14 days",
            width="100%",
        ),
        rx.heading("Newest members", size="4", as_="h2"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Username"),
                    rx.table.column_header_cell("Role"),
                    rx.table.column_header_cell("Status"),
                    rx.table.column_header_cell("Joined"),
                )
            ),
            rx.table.body(
                rx.foreach(
                    AdminState.newest,
                    lambda u: rx.table.row(
                        rx.table.cell(rx.link(u["username"], href="/u/" + u["username"])),
                        rx.table.cell(u["role"]),
                        rx.table.cell(u["status"]),
                        rx.table.cell(u["joined"]),
                    ),
                )
            ),
            width="100%",
        ),
        rx.heading("Disputes", size="4", as_="h2"),
        rx.text(
            "Contracts whose money is held for a decision: members' disputes and the payment gateway's freezes. ",
            rx.link("Decide disputes", href="/admin/disputes"),
        ),
        rx.heading("Outside partners", size="4", as_="h2"),
        rx.text(
            "Scorecards, link templates and affiliate parameters of the Delegate menu's partners; suspend or reinstate "
            "them with a reason. ",
            rx.link("Manage outside partners", href="/admin/partners"),
        ),
        rx.heading("Coming next", size="4", as_="h2"),
        rx.text(
            "Disputes, reports, user administration and a reader for the audit log arrive with the trust-and-safety "
            "work (partner actions are already recorded in it)."
        ),
        spacing="4",
        width="100%",
    )


def admin_page() -> rx.Component:
    return page(guarded(AdminState.loaded, AdminState.refusal, _overview(), waiting="Checking your access…"))
