"""/settings: open sessions and password."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error, text_field
from jtbd_app.components.layout import guarded, page
from jtbd_app.components.profile_photo import photo_section
from jtbd_app.components.standing import standing_section
from jtbd_app.state.settings import SettingsState

E = SettingsState.errors


def _session_row(s: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(s.device, rx.cond(s.current, rx.badge("this browser", margin_left="0.5rem"))),
        rx.table.cell(s.ip),
        rx.table.cell(s.signed_in),
        rx.table.cell(s.expires),
        rx.table.cell(
            rx.cond(
                s.current,
                rx.text("—", aria_label="Use Sign out for this browser"),
                rx.button(
                    "Sign out",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    aria_label="Sign out the session of " + s.device + " from " + s.signed_in,
                    on_click=SettingsState.revoke_session(s.id),
                ),
            )
        ),
    )


def _sessions() -> rx.Component:
    return rx.vstack(
        rx.heading("Where you are signed in", size="4", as_="h2"),
        rx.el.section(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Device"),
                        rx.table.column_header_cell("Address"),
                        rx.table.column_header_cell("Signed in"),
                        rx.table.column_header_cell("Expires"),
                        rx.table.column_header_cell("Action"),
                    )
                ),
                rx.table.body(rx.foreach(SettingsState.sessions, _session_row)),
                width="100%",
            ),
            aria_label="Open sessions",
            style={"width": "100%"},
        ),
        rx.button(
            "Sign out of all devices",
            variant="outline",
            color_scheme="red",
            on_click=SettingsState.sign_out_everywhere,
        ),
        width="100%",
    )


def _password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Change password", size="4", as_="h2"),
            form_error(E),
            text_field(
                "Current password",
                "current_password",
                E,
                type="password",
                auto_complete="current-password",
                hint="Leave empty if you joined through a sign-in provider and have no password yet.",
            ),
            text_field(
                "New password",
                "new_password",
                E,
                type="password",
                auto_complete="new-password",
                hint="At least 10 characters. Your other sessions will be signed out.",
            ),
            rx.button("Change password", type="submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=SettingsState.change_password,
        reset_on_submit=False,
        key=SettingsState.form_key,
        aria_label="Change password",
        width="100%",
    )


def _provider_row(p: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(
            p["connected"],
            rx.text(p["label"] + ": connected"),
            rx.button(
                # A full page load: the provider sign-in is plain HTTP; finishing it while signed in connects it.
                rx.el.a("Connect " + p["label"], href="/api/auth/oidc/" + p["slug"] + "/login", reload_document=True),
                as_child=True,
                variant="outline",
            ),
        ),
    )


def _sign_in_providers() -> rx.Component:
    return rx.cond(
        SettingsState.sign_in_providers.length() > 0,
        rx.vstack(
            rx.heading("Sign-in providers", size="4", as_="h2"),
            rx.cond(
                SettingsState.viewer_is_admin,
                rx.text("Admin accounts sign in with their password only."),
                rx.foreach(SettingsState.sign_in_providers, _provider_row),
            ),
            rx.divider(),
            width="100%",
        ),
    )


def settings_page() -> rx.Component:
    return page(
        guarded(
            SettingsState.loaded,
            SettingsState.refusal,
            rx.vstack(
                rx.heading("Account settings", size="7"),
                rx.cond(SettingsState.message, rx.callout(SettingsState.message, icon="info", role="status")),
                photo_section(),
                rx.divider(),
                standing_section(),
                rx.divider(),
                _sessions(),
                rx.divider(),
                _password_form(),
                rx.divider(),
                _sign_in_providers(),
                rx.vstack(
                    rx.heading("Notifications", size="4", as_="h2"),
                    rx.link(
                        "Choose which notifications you get in the app and by email", href="/notifications/settings"
                    ),
                    width="100%",
                ),
                spacing="5",
                width="100%",
            ),
            waiting="Loading your settings…",
        )
    )
