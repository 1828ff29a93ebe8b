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


ADMIN_LINKS: tuple[tuple[str, str, str], ...] = (
    ("Disputes", "/admin/disputes", "frozen contracts and disputes waiting for a decision"),
    ("Reports", "/admin/reports", "reported listings, profiles, reviews and messages"),
    ("Users", "/admin/users", "search members, suspend, reinstate, promote"),
    ("Audit log", "/admin/audit", "every admin action and money movement"),
    ("Outside partners", "/admin/partners", "scorecards, links, suspend or reinstate"),
    ("Terms of service", "/admin/terms", "publish a new version, see who accepted"),
)


def _admin_links() -> rx.Component:
    return rx.el.nav(
        rx.heading("Admin tools", size="4", as_="h2"),
        rx.el.ul(
            *[
                rx.el.li(rx.link(label, href=href), rx.text(f" — {hint}", as_="span", color_scheme="gray"))
                for label, href, hint in ADMIN_LINKS
            ],
            style={"display": "grid", "gap": "0.25rem", "padding_left": "1.25rem", "list_style": "disc"},
        ),
        aria_label="Admin tools",
        width="100%",
    )


def _chart(summary_key: str, chart: rx.Component) -> rx.Component:
    """A chart as one image named by the sentence that summarises it; the numbers are in the table beside it."""
    return rx.box(chart, role="img", aria_label=AdminState.summaries[summary_key], width="100%")


def _captioned(caption: str, summary_key: str, chart: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(caption, size="2", weight="medium"), _chart(summary_key, chart), spacing="1", width="100%")


def _table(headers: list[str], rows: rx.Var, cells) -> rx.Component:
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, lambda row: rx.table.row(*[rx.table.cell(c) for c in cells(row)]))),
        size="1",
        width="100%",
    )


def _health() -> rx.Component:
    return rx.vstack(
        rx.heading("Platform health", size="5", as_="h2"),
        rx.heading("Volume and money held, the last 12 weeks", size="4", as_="h3"),
        rx.grid(
            _captioned(
                "Contracts created and money funded per week",
                "volume",
                rx.recharts.bar_chart(
                    rx.recharts.bar(data_key="contracts", fill="var(--accent-9)", name="Contracts created"),
                    rx.recharts.bar(data_key="funded", fill="var(--green-9)", name="Funded", y_axis_id="money"),
                    rx.recharts.x_axis(data_key="week"),
                    rx.recharts.y_axis(allow_decimals=False),
                    rx.recharts.y_axis(y_axis_id="money", orientation="right"),
                    rx.recharts.legend(),
                    rx.recharts.graphing_tooltip(),
                    data=AdminState.week_points,
                    height=240,
                    width="100%",
                ),
            ),
            _captioned(
                "Money held in escrow at the end of each week",
                "escrow",
                rx.recharts.area_chart(
                    rx.recharts.area(data_key="escrow", fill="var(--amber-7)", stroke="var(--amber-9)", name="Held"),
                    rx.recharts.x_axis(data_key="week"),
                    rx.recharts.y_axis(),
                    rx.recharts.graphing_tooltip(),
                    data=AdminState.week_points,
                    height=240,
                    width="100%",
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        rx.text(
            "Amounts in ",
            AdminState.currency,
            " (charts in whole units; the table is exact). Weeks start on Monday; escrow is the balance at the end "
            "of each week, from the ledger.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(AdminState.other_currencies, rx.text("Other currencies: ", AdminState.other_currencies, size="2")),
        _table(
            ["Week of", "Contracts created", "Money funded", "Held in escrow"],
            AdminState.weeks,
            lambda w: [w.week, w.contracts.to_string(), w.funded_text, w.escrow_text],
        ),
        rx.heading("Open disputes by age", size="4", as_="h3"),
        rx.text(
            AdminState.frozen_total.to_string(),
            " contract(s) wait for an administrator. ",
            rx.link("Open the disputes queue", href="/admin/disputes"),
            size="2",
        ),
        rx.grid(
            _chart(
                "disputes",
                rx.recharts.bar_chart(
                    rx.recharts.bar(data_key="contracts", fill="var(--red-9)", name="Contracts"),
                    rx.recharts.x_axis(data_key="age"),
                    rx.recharts.y_axis(allow_decimals=False),
                    rx.recharts.graphing_tooltip(),
                    data=AdminState.age_points,
                    height=200,
                    width="100%",
                ),
            ),
            _table(["Waiting", "Contracts"], AdminState.ages, lambda a: [a.age, a.contracts.to_string()]),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        rx.heading("Reports", size="4", as_="h3"),
        rx.text(
            AdminState.reports_open.to_string(),
            " report(s) open. ",
            rx.link("Moderate reports", href="/admin/reports"),
            size="2",
        ),
        rx.grid(
            _chart(
                "reports",
                rx.recharts.line_chart(
                    rx.recharts.line(data_key="reports", stroke="var(--red-9)", name="Filed"),
                    rx.recharts.line(data_key="reports_closed", stroke="var(--green-9)", name="Closed"),
                    rx.recharts.x_axis(data_key="week"),
                    rx.recharts.y_axis(allow_decimals=False),
                    rx.recharts.legend(),
                    rx.recharts.graphing_tooltip(),
                    data=AdminState.week_points,
                    height=200,
                    width="100%",
                ),
            ),
            _table(
                ["Week of", "Filed", "Closed"],
                AdminState.weeks,
                lambda w: [w.week, w.reports.to_string(), w.reports_closed.to_string()],
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        rx.heading("Outside partners", size="4", as_="h3"),
        rx.text(
            AdminState.partners_active.to_string(),
            " active, ",
            AdminState.partners_suspended.to_string(),
            " suspended; average rating: ",
            AdminState.average_rating,
            ". ",
            rx.link("Manage outside partners", href="/admin/partners"),
            size="2",
        ),
        rx.grid(
            _chart(
                "partners",
                rx.recharts.bar_chart(
                    rx.recharts.bar(data_key="rating", fill="var(--accent-9)", name="Average rating"),
                    rx.recharts.x_axis(data_key="name"),
                    rx.recharts.y_axis(domain=[0, 5], allow_decimals=False),
                    rx.recharts.graphing_tooltip(),
                    data=AdminState.partner_points,
                    height=220,
                    width="100%",
                ),
            ),
            _table(
                ["Partner", "Status", "Average rating"],
                AdminState.partners,
                lambda p: [p.name, p.status, p.rating_text],
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        spacing="3",
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
        _admin_links(),
        _health(),
        spacing="4",
        width="100%",
    )


def admin_page() -> rx.Component:
    return page(guarded(AdminState.loaded, AdminState.refusal, _overview(), waiting="Checking your access…"))
