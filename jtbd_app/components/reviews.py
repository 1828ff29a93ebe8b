"""The reviews panel of a contract page: the star rating form, the viewer's own review, the other's once published."""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from jtbd_app.components.forms import field_error, form_error, text_field
from jtbd_app.components.report_dialog import report_button, report_dialog
from jtbd_app.domain.reviews import RATINGS, REVIEW_MAX, rating_choice_label
from jtbd_app.state.reviews import ContractReviewState

if TYPE_CHECKING:  # the read model's type, for the reader; Reflex passes a Var of it
    from jtbd_app.services.contracts.review_view import ReviewItem

S = ContractReviewState
P = ContractReviewState.panel
E = ContractReviewState.errors


def review_card(title: rx.Var | str, review: ReviewItem, *, note: rx.Component | None = None) -> rx.Component:
    """One review: whose, the stars (read out as "4 out of 5 stars"), the text, when."""
    return rx.card(
        rx.vstack(
            rx.text(rx.text.strong(title), size="2"),
            rx.text(review.stars, role="img", aria_label=review.stars_label, color_scheme="amber", size="4"),
            rx.cond(review.body, rx.text(review.body, white_space="pre-wrap")),
            rx.text(review.written, size="1", color_scheme="gray"),
            note if note is not None else rx.fragment(),
            spacing="1",
            align="start",
        ),
        width="100%",
    )


def _star_option(rating: int) -> rx.Component:
    return rx.text(
        rx.flex(rx.radio_group.item(value=str(rating)), rating_choice_label(rating), spacing="2", align="center"),
        as_="label",
        size="2",
    )


def _rating_control() -> rx.Component:
    return rx.vstack(
        rx.text("Rating", id="review-rating-label", weight="medium"),
        rx.radio_group.root(
            rx.flex(*[_star_option(n) for n in RATINGS], spacing="4", wrap="wrap"),
            value=S.rating,
            on_change=S.set_rating,
            aria_labelledby="review-rating-label",
            aria_describedby="review-rating-error",
            aria_invalid=rx.cond(E["rating"], "true", "false"),
        ),
        field_error(E["rating"], "review-rating"),
        spacing="1",
        width="100%",
    )


def _review_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(E),
            _rating_control(),
            text_field(
                "Review",
                "review",
                E,
                multiline=True,
                rows="4",
                max_length=REVIEW_MAX,
                hint=f"Optional, plain text, at most {REVIEW_MAX:,} characters. "
                "It stays hidden from the other party until both reviews are in or the window closes.",
            ),
            rx.button("Submit review", type="submit"),
            spacing="3",
            width="100%",
            align="start",
        ),
        on_submit=S.submit_review,
        aria_label="Rate " + P.other_name,
        width="100%",
    )


def _panel() -> rx.Component:
    return rx.vstack(
        rx.text(P.status_line, role="status"),
        rx.cond(S.notice, rx.callout(S.notice, icon="check", role="status")),
        rx.cond(P.can_review, _review_form(), form_error(E)),
        rx.cond(
            P.has_own_review,
            review_card(
                "Your review of " + P.other_name,
                P.own_review,
                note=rx.cond(
                    P.own_review.hidden,
                    rx.badge("Hidden by the moderators", color_scheme="orange", variant="soft"),
                    rx.cond(
                        ~P.own_review.published,
                        rx.badge("Not shown to " + P.other_name + " yet", variant="soft"),
                    ),
                ),
            ),
        ),
        rx.foreach(
            P.other_reviews,
            lambda r: review_card(
                r.author_name + "'s review of " + r.subject_name,
                r,
                note=rx.cond(
                    ~r.published,
                    rx.badge("Not published yet", variant="soft"),
                    rx.cond(r.author_username != S.viewer_username, report_button("review", r.id.to_string())),
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )


def review_panel() -> rx.Component:
    """Embed in the contract page, with `ContractReviewState.load_review` among the route's on-load events."""
    return rx.el.section(
        report_dialog(),
        rx.vstack(
            rx.heading("Reviews", size="5", as_="h2"),
            rx.cond(
                S.loaded,
                rx.cond(
                    S.refusal,
                    rx.callout(S.refusal, icon="shield-alert", color_scheme="red", role="alert"),
                    _panel(),
                ),
                rx.hstack(rx.spinner(size="2"), rx.text("Loading reviews…"), role="status", align="center"),
            ),
            spacing="3",
            width="100%",
        ),
        aria_label="Reviews",
        style={"width": "100%"},
    )
