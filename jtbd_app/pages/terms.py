"""/terms: the current version, stored in the database with its number."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.layout import loading, page
from jtbd_app.domain import liability
from jtbd_app.state.terms import TermsState


def outside_providers() -> rx.Component:
    """The fixed section on outside providers, shown with every version of the terms (`/terms#outside-providers`)."""
    return rx.el.section(
        rx.heading(liability.TITLE, size="5", as_="h2", id=f"{liability.SECTION_ID}-heading"),
        *[rx.text(paragraph) for paragraph in liability.PARAGRAPHS],
        id=liability.SECTION_ID,
        aria_labelledby=f"{liability.SECTION_ID}-heading",
        style={"scroll_margin_top": "5rem", "display": "grid", "gap": "0.75rem"},
    )


def terms_page() -> rx.Component:
    return page(
        rx.cond(
            TermsState.loaded,
            rx.cond(
                TermsState.version > 0,
                rx.vstack(
                    rx.heading(TermsState.title, size="7"),
                    rx.text(
                        "Version ",
                        TermsState.version.to_string(),
                        ", published ",
                        TermsState.published,
                        color_scheme="gray",
                    ),
                    rx.text(TermsState.body, white_space="pre-wrap"),
                    rx.cond(
                        TermsState.needs_terms, rx.button("I accept these terms", on_click=TermsState.accept_terms)
                    ),
                    rx.cond(TermsState.message, rx.callout(TermsState.message, icon="check", role="status")),
                    spacing="4",
                ),
                rx.text("No terms of service have been published yet."),
            ),
            loading("Loading the terms…"),
        ),
        outside_providers(),
    )
