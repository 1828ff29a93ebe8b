"""The first-run checklist on the dashboard: each item says whether it is done and links to where it is done."""

from __future__ import annotations

import reflex as rx

from jtbd_app.state.onboarding import OnboardingState

C = OnboardingState.checklist


def _item(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.cond(
                item.done,
                rx.icon("circle-check", color="var(--green-11)", size=20, aria_hidden="true"),
                rx.icon("circle", color="var(--gray-10)", size=20, aria_hidden="true"),
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(item.title, weight="bold"),
                    rx.cond(
                        item.done,
                        rx.badge("Done", color_scheme="green", variant="soft"),
                        rx.badge("To do", color_scheme="gray", variant="soft"),
                    ),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(item.detail, size="2"),
                rx.hstack(
                    rx.foreach(item.links, lambda link: rx.link(link.label, href=link.href, size="2")),
                    spacing="4",
                    wrap="wrap",
                ),
                spacing="1",
            ),
            align="start",
            spacing="3",
        ),
        aria_label=item.title + rx.cond(item.done, ": done", ": to do"),
        style={"list_style": "none"},
    )


def first_run_checklist() -> rx.Component:
    """Shown to a member until every item is done or they hide it."""
    return rx.cond(
        C.show_checklist,
        rx.el.section(
            rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.heading("Get started", size="5", as_="h2", id="getting-started"),
                        rx.text(C.done_count.to_string() + " of 3 done", size="2", color_scheme="gray"),
                        rx.spacer(),
                        rx.button(
                            "Hide this checklist", variant="ghost", size="1", on_click=OnboardingState.dismiss_checklist
                        ),
                        align="center",
                        width="100%",
                        wrap="wrap",
                    ),
                    rx.el.ul(
                        rx.foreach(C.steps, _item),
                        aria_label="Getting started checklist",
                        style={"padding": "0", "margin": "0", "display": "grid", "gap": "0.75rem"},
                    ),
                    rx.cond(OnboardingState.checklist_error, rx.text(OnboardingState.checklist_error, role="alert")),
                    spacing="3",
                    width="100%",
                ),
                width="100%",
            ),
            aria_labelledby="getting-started",
            style={"width": "100%"},
        ),
    )
