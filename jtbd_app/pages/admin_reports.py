"""/admin/reports: reported items grouped (open or closed, by kind, oldest first) with the content, the reporters
and the author's strikes; an action form per item; and the suspended members' appeals."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error
from jtbd_app.components.layout import guarded, page
from jtbd_app.components.pager import button_pager
from jtbd_app.domain.moderation import APPEAL_MAX, SUBJECT_KINDS
from jtbd_app.state.admin_reports import AdminReportsState as S
from jtbd_app.state.admin_reports import reports_url

Q = S.queue
A = S.appeal_queue
ACTIONS = {
    "hide": "Hide the content",
    "restore": "Restore the content",
    "dismiss": "Dismiss the reports",
    "warn": "Warn the author",
    "suspend": "Suspend the author",
}


def _tab_link(label: str, href: str, current: rx.Var) -> rx.Component:
    return rx.link(
        label, href=href, weight=rx.cond(current, "bold", "regular"), aria_current=rx.cond(current, "page", "")
    )


def _filters() -> rx.Component:
    kinds = [("All kinds", "")] + [(k.title() + "s", k) for k in SUBJECT_KINDS]
    return rx.vstack(
        rx.el.nav(
            rx.hstack(
                _tab_link("Reports", reports_url(), S.tab == "reports"),
                _tab_link("Appeals", reports_url(tab="appeals"), S.tab == "appeals"),
                spacing="4",
            ),
            aria_label="Moderation tabs",
        ),
        rx.cond(
            S.tab == "reports",
            rx.el.nav(
                rx.hstack(
                    _tab_link("Open", reports_url(kind=""), S.status == "open"),
                    _tab_link("Closed", reports_url(status="closed"), S.status == "closed"),
                    rx.text("·", color_scheme="gray"),
                    *[
                        rx.link(
                            label,
                            href=rx.cond(
                                S.status == "closed", reports_url(status="closed", kind=k), reports_url(kind=k)
                            ),
                            weight=rx.cond(S.kind == k, "bold", "regular"),
                        )
                        for label, k in kinds
                    ],
                    spacing="3",
                    wrap="wrap",
                ),
                aria_label="Report filters",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _errors_for(key: rx.Var) -> rx.Component:
    return rx.cond(
        S.acting == key,
        rx.vstack(
            form_error(S.errors),
            rx.cond(S.errors["reason"], rx.text(S.errors["reason"], color_scheme="red", size="2", role="alert")),
            width="100%",
        ),
    )


def _action_form(item: rx.Var) -> rx.Component:
    key = item.kind + ":" + item.subject_id.to_string()
    action_id = "action-" + item.kind + "-" + item.subject_id.to_string()
    reason_id = "reason-" + item.kind + "-" + item.subject_id.to_string()
    return rx.form(
        rx.vstack(
            _errors_for(key),
            rx.el.input(type="hidden", name="kind", value=item.kind),
            rx.el.input(type="hidden", name="subject_id", value=item.subject_id.to_string()),
            rx.el.label("Action", html_for=action_id, style={"font_weight": "500"}),
            rx.el.select(
                *[rx.el.option(label, value=value) for value, label in ACTIONS.items()],
                id=action_id,
                name="action",
                style={"padding": "0.4rem", "width": "100%"},
            ),
            rx.el.label(
                "Reason (the author and the reporters read it)", html_for=reason_id, style={"font_weight": "500"}
            ),
            rx.text_area(id=reason_id, name="reason", rows="2", max_length=500, width="100%"),
            rx.button("Apply", type="submit"),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=S.moderate,
        reset_on_submit=False,
        key=S.form_key,
        aria_label="Moderate " + item.title,
        width="100%",
    )


def _reporter(r: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(
            rx.link(r.name, href="/u/" + r.username),
            " on ",
            r.when,
            ": ",
            rx.text.strong(r.reason),
            rx.cond(r.details, " — " + r.details, ""),
            size="2",
        )
    )


def _item(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.badge(item.kind, variant="soft"),
                    rx.cond(item.hidden, rx.badge("Hidden", color_scheme="orange")),
                    rx.badge(item.report_count.to_string() + " report(s)", color_scheme="red", variant="soft"),
                    rx.text("First reported ", item.first_reported, size="2", color_scheme="gray"),
                    rx.cond(item.resolution, rx.badge("Resolved: " + item.resolution, color_scheme="gray")),
                    wrap="wrap",
                    align="center",
                ),
                rx.heading(item.title, size="4", as_="h2"),
                rx.cond(item.text, rx.text(item.text, white_space="pre-wrap", size="2")),
                rx.cond(item.link, rx.link("Open it", href=item.link, size="2")),
                rx.text(
                    "Author: ",
                    rx.link(item.author_name, href="/u/" + item.author_username),
                    " (@",
                    item.author_username,
                    "), ",
                    item.author_strikes.to_string(),
                    " strike(s)",
                    rx.cond(item.author_suspended, ", suspended", ""),
                    size="2",
                ),
                rx.text("Reported by", size="2", weight="bold"),
                rx.el.ul(rx.foreach(item.reporters, _reporter), style={"margin": "0"}),
                _action_form(item),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        aria_label=item.title,
        style={"list_style": "none", "width": "100%"},
    )


def _reports() -> rx.Component:
    return rx.cond(
        Q.rows.length() > 0,
        rx.vstack(
            rx.text(Q.total.to_string(), " reported item(s)", size="2", color_scheme="gray"),
            rx.el.ul(rx.foreach(Q.rows, _item), style={"padding": "0", "width": "100%"}),
            button_pager(Q.page, Q.pages, S.go_to_page, name="reported items"),
            width="100%",
        ),
        rx.text(rx.cond(S.status == "open", "No open reports. All clear.", "No closed reports yet."), role="status"),
    )


def _appeal(a: rx.Var) -> rx.Component:
    key = "appeal:" + a.id.to_string()
    decision_id = "decision-" + a.id.to_string()
    answer_id = "answer-" + a.id.to_string()
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.heading(a.member_name, " (@", a.member_username, ")", size="4", as_="h2"),
                rx.text("Suspended on ", a.suspended, ": ", a.suspension_reason, size="2"),
                rx.text("Appeal sent ", a.sent, ":", size="2", weight="bold"),
                rx.text(a.body, white_space="pre-wrap"),
                rx.form(
                    rx.vstack(
                        _errors_for(key),
                        rx.cond(
                            S.acting == key,
                            rx.cond(
                                S.errors["answer"],
                                rx.text(S.errors["answer"], color_scheme="red", size="2", role="alert"),
                            ),
                        ),
                        rx.el.input(type="hidden", name="appeal_id", value=a.id.to_string()),
                        rx.el.label("Decision", html_for=decision_id, style={"font_weight": "500"}),
                        rx.el.select(
                            rx.el.option("Grant: reinstate the member", value="grant"),
                            rx.el.option("Refuse: the suspension stays", value="refuse"),
                            id=decision_id,
                            name="decision",
                            style={"padding": "0.4rem", "width": "100%"},
                        ),
                        rx.el.label("Answer (the member reads it)", html_for=answer_id, style={"font_weight": "500"}),
                        rx.text_area(id=answer_id, name="answer", rows="2", max_length=500, width="100%"),
                        rx.button("Send answer", type="submit"),
                        spacing="2",
                        width="100%",
                        align="start",
                    ),
                    on_submit=S.answer_appeal,
                    reset_on_submit=False,
                    key=S.form_key,
                    aria_label="Answer the appeal of " + a.member_name,
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        aria_label="Appeal of " + a.member_name,
        style={"list_style": "none", "width": "100%"},
    )


def _appeals() -> rx.Component:
    return rx.cond(
        A.rows.length() > 0,
        rx.vstack(
            rx.text(
                A.total.to_string(),
                " open appeal(s); at most ",
                str(APPEAL_MAX),
                " characters each",
                size="2",
                color_scheme="gray",
            ),
            rx.el.ul(rx.foreach(A.rows, _appeal), style={"padding": "0", "width": "100%"}),
            button_pager(A.page, A.pages, S.go_to_page, name="appeals"),
            width="100%",
        ),
        rx.text("No appeals waiting.", role="status"),
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading("Reports and appeals", size="7"),
        rx.link("Back to the overview", href="/admin", size="2"),
        _filters(),
        rx.cond(S.message, rx.callout(S.message, icon="check", role="status")),
        rx.cond(S.tab == "appeals", _appeals(), _reports()),
        spacing="4",
        width="100%",
    )


def admin_reports_page() -> rx.Component:
    return page(guarded(S.loaded, S.refusal, _content(), waiting="Checking your access…"))
