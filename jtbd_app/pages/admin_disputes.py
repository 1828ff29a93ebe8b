"""/admin/disputes: the queue of frozen contracts; /admin/disputes/[id]: one case, its timeline and the decision."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.dispute_case import case_facts, decision_form, positions, summary_panel, timeline
from jtbd_app.components.layout import guarded, page
from jtbd_app.components.pager import link_pager
from jtbd_app.state.admin_disputes import AdminDisputeCaseState as C
from jtbd_app.state.admin_disputes import AdminDisputesState as Q

SORTS = {
    "oldest": "Oldest first",
    "newest": "Newest first",
    "amount_high": "Largest amount first",
    "amount_low": "Smallest amount first",
}
STATUSES = {
    "": "Every status",
    "awaiting_response": "Awaiting the other party's response",
    "open": "Open: both parties add evidence",
    "under_review": "Under review",
    "gateway": "Card dispute / frozen by the payment gateway",
    "retry": "Decided, the refund waits for a retry",
}
_SELECT_STYLE = {"padding": "0.45rem", "min_height": "2.25rem"}


def _select(label: str, name: str, choices: dict[str, str], value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"queue-{name}", style={"font_weight": "500"}),
        rx.el.select(
            *[rx.el.option(text, value=key) for key, text in choices.items()],
            id=f"queue-{name}",
            name=name,
            default_value=value,
            style=_SELECT_STYLE,
        ),
        spacing="1",
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.hstack(
            _select("Sort", "sort", SORTS, Q.sort),
            _select("Status", "status", STATUSES, Q.status),
            rx.button("Show", type="submit"),
            spacing="3",
            align="end",
            wrap="wrap",
        ),
        key=Q.form_key.to_string(),
        on_submit=Q.apply_queue_filters,
        aria_label="Sort and filter disputes",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.title, href=row.link)),
        rx.table.cell(rx.text(row.client, " (client)"), rx.text(row.contractor, " (contractor)")),
        rx.table.cell(row.amount),
        rx.table.cell(
            rx.text(row.status_label),
            rx.cond(row.kind == "gateway", rx.text(row.frozen_reason, size="1", color_scheme="gray")),
        ),
        rx.table.cell(row.age),
        rx.table.cell(row.deadline),
    )


def _queue() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.link("Administration", href="/admin"), rx.text("/"), rx.text("Disputes"), spacing="2"),
        rx.heading("Disputes", size="7"),
        rx.text(
            "Every contract whose money is held for an administrator: disputes members opened, and contracts the "
            "payment gateway froze (card disputes, refunds made at the gateway). Open one to read its timeline and "
            "decide: release, refund or split, with a reason both parties read."
        ),
        _filters(),
        rx.cond(
            Q.total > 0,
            rx.vstack(
                rx.text(Q.total.to_string(), " waiting", size="2", color_scheme="gray"),
                rx.table.root(
                    rx.el.caption(
                        "Disputes waiting for a decision",
                        style={"caption_side": "top", "text_align": "left", "padding": "0.5rem 0.75rem"},
                    ),
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Contract"),
                            rx.table.column_header_cell("Parties"),
                            rx.table.column_header_cell("In dispute"),
                            rx.table.column_header_cell("Status"),
                            rx.table.column_header_cell("Age"),
                            rx.table.column_header_cell("Deadline"),
                        )
                    ),
                    rx.table.body(rx.foreach(Q.rows, _row)),
                    width="100%",
                ),
                link_pager(Q.page, Q.pages, Q.previous_href, Q.next_href, label="Pages of disputes"),
                width="100%",
            ),
            rx.callout("No disputes are waiting for a decision.", icon="check", role="status"),
        ),
        spacing="4",
        width="100%",
    )


def admin_disputes_page() -> rx.Component:
    return page(guarded(Q.loaded, Q.refusal, _queue(), waiting="Checking your access…"), width="72rem")


def _case() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link("Administration", href="/admin"),
            rx.text("/"),
            rx.link("Disputes", href="/admin/disputes"),
            rx.text("/"),
            rx.text(C.case.title),
            spacing="2",
            wrap="wrap",
        ),
        rx.heading("Dispute: ", C.case.title, size="7"),
        case_facts(),
        positions(),
        summary_panel(),
        decision_form(),
        timeline(),
        spacing="5",
        width="100%",
    )


def admin_dispute_case_page() -> rx.Component:
    return page(guarded(C.loaded, C.refusal, _case(), waiting="Loading the case…"), width="72rem")
