"""/terms: the current version, stored in the database with its number."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.layout import loading, page
from jtbd_app.components.member_text import member_text
from jtbd_app.domain import liability
from jtbd_app.state.terms import TermsState


def _fixed_section(section_id: str, title: str, paragraphs: tuple[str, ...]) -> rx.Component:
    return rx.el.section(
        rx.heading(title, size="5", as_="h2", id=f"{section_id}-heading"),
        *[rx.text(paragraph) for paragraph in paragraphs],
        id=section_id,
        aria_labelledby=f"{section_id}-heading",
        style={"scroll_margin_top": "5rem", "display": "grid", "gap": "0.75rem"},
    )


def outside_providers() -> rx.Component:
    """The fixed section on outside providers, shown with every version of the terms (`/terms#outside-providers`)."""
    return _fixed_section(liability.SECTION_ID, liability.TITLE, liability.PARAGRAPHS)


def disputes() -> rx.Component:
    """The fixed section on the dispute process, the remedy for internal contracts (`/terms#disputes`)."""
    return _fixed_section(liability.DISPUTES_ID, liability.DISPUTES_TITLE, liability.DISPUTES_PARAGRAPHS)


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
                    rx.cond(TermsState.summary, rx.text("What changed: ", TermsState.summary, size="2")),
                    # rendered and sanitized on the server: a tag in a stored version is shown as text, never run
                    member_text(TermsState.body_html),
                    rx.cond(
                        TermsState.needs_terms,
                        rx.vstack(
                            rx.text("Accept the updated terms to continue posting, bidding and paying."),
                            rx.button("I accept these terms", on_click=TermsState.accept_terms),
                            spacing="2",
                        ),
                    ),
                    rx.cond(TermsState.message, rx.callout(TermsState.message, icon="check", role="status")),
                    spacing="4",
                ),
                rx.text("No terms of service have been published yet."),
            ),
            loading("Loading the terms…"),
        ),
        outside_providers(),
        disputes(),
    )
