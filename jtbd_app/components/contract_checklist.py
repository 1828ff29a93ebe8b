"""A micro-task contract's "Checked against the criteria" list: each acceptance criterion with a symbol and a word
for its outcome (never colour alone), who decided it and why, and what each check found."""

from __future__ import annotations

import reflex as rx

from jtbd_app.state.contracts import ContractState

C = ContractState.detail.checklist


def _colour(outcome: rx.Var) -> rx.Var:
    return rx.match(outcome, ("passed", "green"), ("failed", "red"), ("unknown", "amber"), "gray")


def _check(line: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(
            rx.text.strong(line.method, ": ", line.outcome),
            rx.cond(line.reason, rx.fragment(" — ", line.reason)),
            size="1",
            color_scheme="gray",
        )
    )


def _item(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.text(
                item.icon,
                aria_hidden="true",
                color_scheme=_colour(item.outcome),
                weight="bold",
                size="4",
                style={"min_width": "1.25rem", "text_align": "center"},
            ),
            rx.vstack(
                rx.text(
                    rx.text.strong(item.number, ". "),
                    item.text,
                    style={"overflow_wrap": "anywhere"},
                ),
                rx.hstack(
                    rx.badge(item.outcome_label, color_scheme=_colour(item.outcome), variant="soft"),
                    rx.cond(item.decided_by, rx.text("by ", item.decided_by, size="1", color_scheme="gray")),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                rx.cond(item.reason, rx.text(item.reason, size="2", white_space="pre-wrap")),
                rx.cond(
                    item.checks.length() > 1,
                    rx.el.ul(rx.foreach(item.checks, _check), style={"padding_left": "1rem", "margin": "0"}),
                ),
                spacing="1",
                align="start",
                width="100%",
            ),
            align="start",
            spacing="2",
            width="100%",
        ),
        aria_label=item.number + ": " + item.outcome_label,
        style={"list_style": "none"},
    )


def checklist_panel() -> rx.Component:
    """Shown on a micro-task's contract only; both parties (and admins) read it."""
    return rx.cond(
        C.applies,
        rx.card(
            rx.vstack(
                rx.heading("Checked against the criteria", size="4", as_="h2", id="criteria-heading"),
                rx.match(
                    C.state,
                    ("waiting", rx.text("The delivery will be checked against these criteria.", size="2")),
                    (
                        "checking",
                        rx.hstack(
                            rx.spinner(size="1"),
                            rx.text(
                                "Delivery ",
                                C.delivery_number.to_string(),
                                " is being checked; reload the page in a moment to see the result.",
                                size="2",
                            ),
                            align="center",
                            role="status",
                        ),
                    ),
                    rx.text("Delivery ", C.delivery_number.to_string(), ": ", C.summary, ".", size="2"),
                ),
                rx.el.ul(
                    rx.foreach(C.criteria, _item),
                    aria_labelledby="criteria-heading",
                    style={"padding": "0", "margin": "0", "width": "100%"},
                ),
                rx.cond(C.reviewer_note, rx.text(C.reviewer_note, size="1", color_scheme="gray")),
                rx.text(
                    "These checks are advice: the client decides whether the work meets the criteria.",
                    size="1",
                    color_scheme="gray",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )
