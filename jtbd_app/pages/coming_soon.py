"""Navigation targets whose features arrive in later issues: each says what is coming."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.layout import page

COMING: dict[str, tuple[str, str]] = {}  # path -> (title, what is coming); empty while nothing is announced


def coming_soon(title: str, text: str) -> rx.Component:
    return page(
        rx.heading(title, size="7"),
        rx.callout(rx.text("Coming soon. ", text), icon="construction", role="status"),
        rx.link("Back to the dashboard", href="/"),
    )


def not_found_page() -> rx.Component:
    return page(
        rx.heading("Page not found", size="7"),
        rx.text("We could not find that page. It may have moved, or the link may be mistyped."),
        rx.link("Go to the home page", href="/"),
    )
