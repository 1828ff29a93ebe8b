"""The public questions and answers of a listing page: asking, and the owner's answer form under each question."""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from jtbd_app.components.forms import field_error, text_field
from jtbd_app.state.listings import ListingState
from jtbd_app.state.session import SessionState

if TYPE_CHECKING:  # the read model's type, for the reader; Reflex passes a Var of it
    from jtbd_app.services.marketplace.listing_view import QuestionItem

L = ListingState.listing
E = ListingState.errors


def _question(q: QuestionItem) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.text(rx.el.strong(q.asker), " asked ", q.asked, size="2", color_scheme="gray"),
            rx.text(q.body, white_space="pre-wrap"),
            rx.cond(
                q.answer,
                rx.blockquote(rx.text(q.answer, white_space="pre-wrap")),
                rx.cond(
                    L.is_owner,
                    rx.el.form(
                        rx.el.input(type="hidden", name="question_id", value=q.id.to_string()),
                        rx.vstack(
                            rx.el.label("Your answer", html_for="answer-" + q.id.to_string()),
                            rx.text_area(
                                id="answer-" + q.id.to_string(),
                                name="answer",
                                rows="2",
                                width="100%",
                                aria_describedby="answer-error",
                            ),
                            rx.button("Post answer", type="submit", size="1"),
                            width="100%",
                        ),
                        on_submit=ListingState.answer_question,
                        aria_label="Answer the question from " + q.asker,
                        width="100%",
                    ),
                    rx.text("Not answered yet.", size="2", color_scheme="gray"),
                ),
            ),
            spacing="1",
            width="100%",
        ),
        style={"list_style": "none", "padding": "0.5rem 0", "border_bottom": "1px solid var(--gray-a4)"},
    )


def questions_section() -> rx.Component:
    return rx.vstack(
        rx.heading("Questions and answers", size="5", as_="h2"),
        field_error(E["answer"], "answer"),
        rx.cond(
            L.questions.length() > 0,
            rx.el.ul(rx.foreach(L.questions, _question), style={"padding": 0, "width": "100%"}),
            rx.text("No questions yet.", color_scheme="gray"),
        ),
        rx.cond(
            SessionState.signed_in & ~L.is_owner & (L.status == "open"),
            rx.el.form(
                rx.vstack(
                    text_field("Ask a public question", "question", E, multiline=True, rows="2"),
                    rx.button("Ask", type="submit", variant="soft"),
                    width="100%",
                ),
                on_submit=ListingState.ask_question,
                reset_on_submit=True,
                aria_label="Ask a question",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )
