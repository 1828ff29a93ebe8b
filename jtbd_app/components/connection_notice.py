"""What a page says when its websocket cannot connect: nothing on it works until it does, so it names the address
to open (APP_URL). This replaces Reflex's connection toast, which only said "Cannot connect to server: websocket
error" and pointed at the websocket's address; a page opened on another host or port (or behind a proxy that
changes the origin) is refused by the origin check and would otherwise sit dead without a word. The one other thing
the toast said, that a page's state is too large to send, is said here in Reflex's words."""

from __future__ import annotations

import reflex as rx
from reflex.components.core.banner import (
    connection_error,
    has_hydration_payload_error,
    has_too_many_connection_errors,
)
from reflex_base.components.memo import memo

from jtbd_app.config import get_settings

NOTICE_ID = "connection-notice"


STYLE = {
    "position": "fixed",
    "top": "0.75rem",
    "left": "50%",
    "transform": "translateX(-50%)",
    "width": "min(40rem, calc(100vw - 1.5rem))",
    "z_index": "10000",
    "box_shadow": "var(--shadow-4)",
    "background": "var(--color-panel-solid)",
}


def _notice(app_url: str) -> rx.Component:
    return rx.cond(
        has_hydration_payload_error,  # connected, but the page's state is too large to send: Reflex's own words
        rx.callout(connection_error, icon="triangle-alert", color_scheme="red", role="alert", style=STYLE),
        rx.cond(
            has_too_many_connection_errors,  # two failed tries in a row: not the blink of a reconnect
            _unreachable(app_url),
        ),
    )


def _unreachable(app_url: str) -> rx.Component:
    return rx.callout(
        rx.text(
            "This page cannot reach the JTBD Marketplace server, so nothing on it will work. Open the app at ",
            rx.link(app_url, href=app_url, weight="bold"),
            ". If that is where you are, the server may be restarting: reload the page in a moment.",
        ),
        icon="wifi-off",
        color_scheme="red",
        variant="surface",
        role="alert",
        id=NOTICE_ID,
        style=STYLE,
    )


def connection_notice(stateful: bool) -> rx.Component | None:
    """The app-wide overlay (Reflex's "Overlay" app wrap): the notice, on every page that has a websocket."""
    if not stateful:
        return None
    app_url = get_settings().app_url.rstrip("/")

    def connection_notice_overlay() -> rx.Component:
        return rx.fragment(_notice(app_url))

    return rx.fragment(memo(connection_notice_overlay)())
