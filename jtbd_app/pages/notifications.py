"""/notifications (the inbox) and /notifications/settings (which kinds arrive in the app and by email)."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error
from jtbd_app.components.layout import guarded, page
from jtbd_app.components.pager import button_pager
from jtbd_app.state.notifications import NotificationSettingsState, NotificationsState
from jtbd_app.state.session import SessionState

S = NotificationsState
P = NotificationSettingsState


def _item(n: rx.Var) -> rx.Component:
    title = rx.cond(
        n.unread,
        rx.text(n.title, weight="bold", as_="p"),
        rx.text(n.title, as_="p"),
    )
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.cond(n.unread, rx.badge("Unread", color_scheme="blue", variant="solid")),
                    title,
                    rx.spacer(),
                    rx.text(n.created, size="1", color_scheme="gray"),
                    align="center",
                    width="100%",
                    wrap="wrap",
                ),
                rx.cond(n.body, rx.text(n.body, size="2", white_space="pre-wrap")),
                rx.hstack(
                    rx.text(n.kind_label, size="1", color_scheme="gray"),
                    rx.spacer(),
                    rx.cond(n.link, rx.link("Open", href=n.link, aria_label="Open: " + n.title, size="2")),
                    rx.cond(
                        n.unread,
                        rx.button(
                            "Mark read",
                            size="1",
                            variant="soft",
                            aria_label="Mark read: " + n.title,
                            on_click=S.mark_read(n.id),
                        ),
                    ),
                    align="center",
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
            border_left=rx.cond(n.unread, "4px solid var(--accent-9)", "4px solid var(--gray-a4)"),
        ),
        style={"list_style": "none", "width": "100%"},
    )


def _pager() -> rx.Component:
    return button_pager(S.page, S.pages, S.show_page, name="notifications")


def _inbox() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Notifications", size="7"),
            rx.spacer(),
            rx.link("Notification settings", href="/notifications/settings"),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.hstack(
            rx.text(f"{SessionState.unread_notifications} unread of {S.total}"),
            rx.button(
                "Mark all as read",
                variant="outline",
                disabled=SessionState.unread_notifications == 0,
                on_click=S.mark_all_read,
            ),
            align="center",
            spacing="4",
        ),
        rx.cond(S.message, rx.callout(S.message, icon="info", role="status")),
        rx.cond(
            S.total == 0,
            rx.callout(
                "You have no notifications yet. New bids, accepted work, messages and invitations will appear here.",
                icon="bell",
                color_scheme="gray",
            ),
            rx.el.ul(
                rx.foreach(S.items, _item),
                aria_label="Your notifications",
                style={"width": "100%", "padding": "0", "margin": "0", "display": "grid", "gap": "0.75rem"},
            ),
        ),
        _pager(),
        spacing="4",
        width="100%",
    )


def notifications_page() -> rx.Component:
    return page(guarded(S.loaded, S.refusal, _inbox(), waiting="Loading your notifications…"))


def _choice_row(c: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(c.label),
        rx.table.cell(
            rx.checkbox(
                checked=c.in_app,
                on_change=lambda on: P.set_choice(c.kind, "in_app", on),
                aria_label="In app: " + c.label,
            )
        ),
        rx.table.cell(
            rx.checkbox(
                checked=c.email,
                on_change=lambda on: P.set_choice(c.kind, "email", on),
                disabled=~P.mail_enabled,
                aria_label="Email: " + c.label,
            )
        ),
    )


def _preferences() -> rx.Component:
    return rx.vstack(
        rx.heading("Notification settings", size="7"),
        rx.text("Choose which notifications you see in the app and which you also get by email."),
        rx.cond(
            ~P.mail_enabled,
            rx.callout(
                "Email is not configured on this server: notifications arrive in the app only.",
                icon="mail-x",
                color_scheme="gray",
            ),
        ),
        form_error(P.errors),
        rx.el.section(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Kind"),
                        rx.table.column_header_cell("In app"),
                        rx.table.column_header_cell(
                            rx.vstack(
                                rx.text("Email"),
                                rx.cond(
                                    ~P.mail_enabled,
                                    rx.text("Email is not configured on this server", size="1", weight="regular"),
                                ),
                                spacing="0",
                            )
                        ),
                    )
                ),
                rx.table.body(rx.foreach(P.choices, _choice_row)),
                width="100%",
            ),
            aria_label="Notification preferences",
            style={"width": "100%"},
        ),
        rx.hstack(
            rx.button("Save preferences", on_click=P.save_preferences),
            rx.link("Back to notifications", href="/notifications"),
            align="center",
            spacing="4",
        ),
        rx.cond(P.message, rx.callout(P.message, icon="check", color_scheme="green", role="status")),
        spacing="4",
        width="100%",
    )


def notification_settings_page() -> rx.Component:
    return page(guarded(P.loaded, P.refusal, _preferences(), waiting="Loading your notification settings…"))
