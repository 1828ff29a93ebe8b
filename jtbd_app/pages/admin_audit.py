"""/admin/audit: every admin action and money movement, newest first, filtered by action, actor, subject and date."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import field_input, labelled
from jtbd_app.components.layout import guarded, page
from jtbd_app.components.pager import link_pager
from jtbd_app.state.admin_audit import AdminAuditState as S

E = S.errors


def _filter(label: str, name: str, hint: str, **props: object) -> rx.Component:
    return labelled(label, name, field_input(name, E, default_value=S.values[name], **props), E[name], hint)


def _filters() -> rx.Component:
    return rx.form(
        rx.grid(
            _filter("Action starts with", "action", "money. · terms.publish · dispute. · admin.read_thread"),
            _filter("Actor", "actor", "A username, or system"),
            _filter("Subject contains", "subject", "contract:12 · partner:fiverr · user:3"),
            _filter("From", "from", "", type="date"),
            _filter("To", "to", "", type="date"),
            columns=rx.breakpoints(initial="1", sm="2", md="3"),
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            rx.button("Filter", type="submit"),
            rx.cond(S.filtered, rx.link("Clear the filters", href="/admin/audit")),
            spacing="4",
            align="center",
            margin_top="0.75rem",
        ),
        on_submit=S.apply_audit_filters,
        reset_on_submit=False,
        aria_label="Filter the audit log",
        width="100%",
    )


def _entry(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.at, white_space="nowrap"),
        rx.table.cell(row.actor),
        rx.table.cell(rx.code(row.action)),
        rx.table.cell(row.subject),
        rx.table.cell(row.reason),
        rx.table.cell(rx.text(row.detail, size="1")),
    )


def _log() -> rx.Component:
    return rx.vstack(
        rx.text(S.total.to_string(), " entries", rx.cond(S.filtered, " match the filters", ""), ".", size="2"),
        rx.cond(
            S.rows.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("When"),
                            rx.table.column_header_cell("Who"),
                            rx.table.column_header_cell("What"),
                            rx.table.column_header_cell("Subject"),
                            rx.table.column_header_cell("Why"),
                            rx.table.column_header_cell("Detail"),
                        )
                    ),
                    rx.table.body(rx.foreach(S.rows, _entry)),
                    size="1",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.text(rx.cond(S.filtered, "No entries match the filters.", "No entries yet.")),
        ),
        link_pager(S.page, S.pages, S.previous_href, S.next_href, label="Pages of the audit log"),
        spacing="3",
        width="100%",
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading("Audit log", size="7"),
        rx.text(
            "Every admin action and every money movement, with who, what, when and why. Entries cannot be edited or "
            "deleted. Actor system is the platform itself (the ledger, the curation rule, operator commands)."
        ),
        _filters(),
        _log(),
        spacing="4",
        width="100%",
    )


def admin_audit_page() -> rx.Component:
    return page(guarded(S.loaded, S.refusal, _content(), waiting="Checking your access…"), width="75rem")
