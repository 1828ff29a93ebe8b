"""/admin/users: find a member (search, role, status in the URL; 20 a page) and /admin/users/[id]: their record, with
suspend, reinstate, warn, promote and demote, each confirmed with a reason."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.admin_tables import role_badge, status_badge, table
from jtbd_app.components.forms import field_input, form_error, labelled, text_field
from jtbd_app.components.layout import guarded, page
from jtbd_app.components.pager import link_pager
from jtbd_app.state.admin_users import AdminUsersState as S
from jtbd_app.state.admin_users import MemberRecordState as R

E = S.errors
V = S.values
M = R.member


def _select(field_id: str, options: list[tuple[str, str]], default: rx.Var) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(label, value=value) for value, label in options],
        id=field_id,
        name=field_id,
        default_value=default,
        aria_describedby=f"{field_id}-hint {field_id}-error",
        aria_invalid=rx.cond(E[field_id], "true", "false"),
        style={"padding": "0.4rem", "width": "100%"},
    )


def _search_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.flex(
                rx.box(
                    text_field(
                        "Search members",
                        "q",
                        E,
                        default_value=V["q"],
                        max_length=100,
                        hint="Part of a username, display name or email.",
                    ),
                    flex="2 1 16rem",
                ),
                rx.box(
                    labelled(
                        "Role",
                        "role",
                        _select("role", [("", "Any role"), ("user", "Member"), ("admin", "Administrator")], V["role"]),
                        E["role"],
                    ),
                    flex="1 1 10rem",
                ),
                rx.box(
                    labelled(
                        "Status",
                        "status",
                        _select(
                            "status",
                            [("", "Any status"), ("active", "Active"), ("suspended", "Suspended")],
                            V["status"],
                        ),
                        E["status"],
                    ),
                    flex="1 1 10rem",
                ),
                gap="1rem",
                wrap="wrap",
                width="100%",
            ),
            rx.hstack(
                rx.button("Search", type="submit"),
                rx.cond(S.filtered, rx.link("Clear search", href="/admin/users")),
                align="center",
                spacing="4",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.search_members,
        reset_on_submit=False,
        key=S.form_key,
        role="search",
        aria_label="Search members",
        width="100%",
    )


def _member_row(m: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(m.username, href="/admin/users/" + m.id.to_string())),
        rx.table.cell(m.display_name),
        rx.table.cell(m.email, word_break="break-all"),
        rx.table.cell(role_badge(m.role)),
        rx.table.cell(status_badge(m.status)),
        rx.table.cell(m.joined, white_space="nowrap"),
        rx.table.cell(m.contracts),
        rx.table.cell(m.strikes),
        rx.table.cell(m.open_reports),
    )


def _users_content() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.link("Administration", href="/admin"), rx.text("/"), rx.text("Members"), spacing="2"),
        rx.heading("Members", size="7"),
        _search_form(),
        rx.text(S.total.to_string(), rx.cond(S.total == 1, " member", " members"), size="2", role="status"),
        table(
            "Members, newest first",
            ["Username", "Display name", "Email", "Role", "Status", "Joined", "Contracts", "Strikes", "Open reports"],
            S.rows,
            _member_row,
            empty="No member matches this search.",
        ),
        link_pager(S.page, S.pages, S.previous_href, S.next_href, label="Pages of members"),
        spacing="4",
        width="100%",
    )


def admin_users_page() -> rx.Component:
    return page(guarded(S.loaded, S.refusal, _users_content(), waiting="Checking your access…"), width="72rem")


# --- a member's record ---------------------------------------------------------------------------------------------

ACTIONS = {
    # action: (button, form name, confirm button, reason hint, colour)
    "suspend": ("Suspend", "Suspend member", "Confirm suspension", "The member reads it.", "red"),
    "reinstate": ("Reinstate", "Reinstate member", "Confirm reinstatement", "The member reads it.", "green"),
    "warn": ("Warn", "Warn member", "Confirm warning", "The member reads it with their strikes.", "amber"),
    "promote": (
        "Promote to administrator",
        "Promote member",
        "Confirm promotion",
        "Kept in the audit log; the member is told.",
        "purple",
    ),
    "demote": (
        "Demote to member",
        "Demote administrator",
        "Confirm demotion",
        "Kept in the audit log; the member is told.",
        "gray",
    ),
}
HANDLERS = {
    "suspend": R.suspend_member,
    "reinstate": R.reinstate_member,
    "warn": R.warn_member,
    "promote": R.promote_member,
    "demote": R.demote_admin,
}


def _confirm_form(action: str) -> rx.Component:
    _button, name, confirm, hint, colour = ACTIONS[action]
    return rx.form(
        rx.vstack(
            rx.heading(name, size="3", as_="h3"),
            form_error(R.errors),
            labelled(
                "Reason",
                "reason",
                field_input("reason", R.errors, multiline=True, rows="3", max_length=600),
                R.errors["reason"],
                hint=hint,
            ),
            rx.hstack(
                rx.button(confirm, type="submit", color_scheme=colour),
                rx.button("Cancel", type="button", variant="soft", on_click=R.cancel_action),
                spacing="3",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=HANDLERS[action],
        reset_on_submit=False,
        key=R.form_key,
        aria_label=name,
        width="100%",
    )


def _action_button(action: str) -> rx.Component:
    label, *_rest, colour = ACTIONS[action]
    return rx.button(label, variant="soft", color_scheme=colour, on_click=R.start_action(action))  # type: ignore[arg-type]


def _actions() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Actions", size="4", as_="h2"),
            rx.hstack(
                rx.cond(M.status == "active", _action_button("suspend"), _action_button("reinstate")),
                _action_button("warn"),
                rx.cond(M.role == "admin", _action_button("demote"), _action_button("promote")),
                wrap="wrap",
                spacing="3",
            ),
            rx.match(
                R.confirming,
                *[(action, _confirm_form(action)) for action in ACTIONS],
                rx.fragment(),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _fact(label: str, value: rx.Var | str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="medium"),
        spacing="0",
    )


def _summary() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(M.display_name, size="7"),
            role_badge(M.role),
            status_badge(M.status),
            align="center",
            wrap="wrap",
            spacing="3",
        ),
        rx.hstack(
            rx.link("@" + M.username, href="/u/" + M.username),
            rx.cond(M.is_viewer, rx.badge("You", variant="outline")),
            spacing="3",
        ),
        rx.cond(
            M.status == "suspended",
            rx.callout(
                "Suspended: " + M.suspended_reason,
                icon="ban",
                color_scheme="red",
                aria_label="Suspension reason",
            ),
        ),
        rx.hstack(
            _fact("Email", M.email),
            _fact("Email confirmed", rx.cond(M.email_verified, "Yes", "No")),
            _fact("Joined", M.joined),
            _fact("Location", rx.cond(M.location, M.location, "—")),
            _fact("Completed contracts", M.completed_contracts.to_string()),
            _fact("Signed in now", M.active_sessions.to_string() + " sessions"),
            wrap="wrap",
            spacing="5",
        ),
        rx.cond(M.bio, rx.text(M.bio, size="2", white_space="pre-wrap")),
        spacing="3",
        width="100%",
    )


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="2", width="100%"),
        aria_label=title,
        style={"width": "100%"},
    )


def _contract_row(c: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link("#" + c.id.to_string(), href="/contracts/" + c.id.to_string())),
        rx.table.cell(c.side),
        rx.table.cell(c.other),
        rx.table.cell(c.status),
        rx.table.cell(c.amount, white_space="nowrap"),
        rx.table.cell(c.created, white_space="nowrap"),
    )


def _dispute_row(d: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(d.kind),
        rx.table.cell(rx.link("#" + d.contract_id.to_string(), href="/contracts/" + d.contract_id.to_string())),
        rx.table.cell(d.side),
        rx.table.cell(d.status),
        rx.table.cell(d.amount, white_space="nowrap"),
        rx.table.cell(d.opened, white_space="nowrap"),
    )


def _report_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(r.subject),
        rx.table.cell(r.other),
        rx.table.cell(r.reason),
        rx.table.cell(r.status),
        rx.table.cell(r.created, white_space="nowrap"),
    )


def _strike_row(s: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.cond(s.kind == "suspension", "Suspension", "Warning")),
        rx.table.cell(s.reason, white_space="pre-wrap"),
        rx.table.cell(s.given_by),
        rx.table.cell(rx.cond(s.lifted, "Lifted", rx.cond(s.kind == "suspension", "In force", "—"))),
        rx.table.cell(s.created, white_space="nowrap"),
    )


def _appeal_row(a: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(a.created, white_space="nowrap"),
        rx.table.cell(a.body, white_space="pre-wrap"),
        rx.table.cell(a.status),
        rx.table.cell(a.answer, white_space="pre-wrap"),
    )


def _audit_row(a: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(a.at, white_space="nowrap"),
        rx.table.cell(a.actor),
        rx.table.cell(a.action),
        rx.table.cell(a.reason, white_space="pre-wrap"),
    )


def _record_content() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link("Administration", href="/admin"),
            rx.text("/"),
            rx.link("Members", href="/admin/users"),
            rx.text("/"),
            rx.text(M.username),
            spacing="2",
        ),
        _summary(),
        rx.cond(R.message, rx.callout(R.message, icon="check", role="status")),
        _actions(),
        _section(
            "Contracts",
            rx.text("Latest ", R.contracts.length().to_string(), " of ", R.contract_total.to_string(), size="2"),
            table(
                "Contracts, newest first",
                ["Contract", "Their side", "Other party", "Status", "Amount", "Created"],
                R.contracts,
                _contract_row,
                empty="No contracts.",
            ),
        ),
        _section(
            "Disputes",
            table(
                "Disputes and card disputes",
                ["Kind", "Contract", "Their part", "Status", "Amount", "Opened"],
                R.disputes,
                _dispute_row,
                empty="No disputes.",
            ),
        ),
        _section(
            "Reports about them",
            table(
                "Reports about their content",
                ["Subject", "Reported by", "Reason", "Status", "Filed"],
                R.reports_about,
                _report_row,
                empty="No reports about them.",
            ),
        ),
        _section(
            "Reports they filed",
            table(
                "Reports they filed",
                ["Subject", "Author", "Reason", "Status", "Filed"],
                R.reports_by,
                _report_row,
                empty="No reports filed.",
            ),
        ),
        _section(
            "Strikes",
            table(
                "Strikes, newest first",
                ["Kind", "Reason", "Given by", "Now", "Given"],
                R.strikes,
                _strike_row,
                empty="No strikes.",
            ),
        ),
        _section(
            "Appeals",
            table("Appeals", ["Sent", "Appeal", "Status", "Answer"], R.appeals, _appeal_row, empty="No appeals."),
        ),
        _section(
            "Audit log about them",
            rx.text("Latest ", R.audit.length().to_string(), " of ", R.audit_total.to_string(), size="2"),
            table(
                "Audit entries about this member",
                ["When", "Who", "Action", "Reason"],
                R.audit,
                _audit_row,
                empty="No audit entries.",
            ),
        ),
        spacing="5",
        width="100%",
    )


def member_record_page() -> rx.Component:
    return page(guarded(R.loaded, R.refusal, _record_content(), waiting="Loading the member's record…"), width="72rem")
