"""/: the landing page for visitors, the dashboard once signed in."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components import dashboard as dash
from jtbd_app.components.layout import link_button, loading, page
from jtbd_app.components.onboarding_checklist import first_run_checklist
from jtbd_app.state.dashboard import DashboardState
from jtbd_app.state.onboarding import OnboardingState
from jtbd_app.state.session import SessionState

STEPS = [
    (
        "target",
        "Describe the outcome",
        'Say what you want done, your budget and your deadline: "Get 10K legit website visitors".',
    ),
    (
        "list-checks",
        "Get a plan",
        "AI breaks the problem into micro-tasks with success criteria, a budget share and a deadline each.",
    ),
    ("users", "Matched doers", "Qualified contractors and trusted partners pick up each task; you see progress live."),
    ("shield-check", "Pay for results", "Money waits in escrow and is released when the work meets the criteria."),
]


def _step(icon: str, title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(rx.icon(icon, size=28), rx.heading(title, size="4", as_="h2"), rx.text(text, color_scheme="gray")),
        width="100%",
    )


def landing() -> rx.Component:
    return rx.vstack(
        rx.heading("Get jobs done, not people hired.", size="9"),
        rx.text(
            "JTBD Marketplace turns a problem into a plan of small, checkable tasks and routes each one to whoever "
            "does it best: a contractor here, a trusted partner, or a product you can simply buy.",
            size="5",
        ),
        rx.hstack(
            link_button("Get started", "/signup", size="3"),
            link_button("Browse providers", "/providers", size="3", variant="soft"),
        ),
        rx.grid(*[_step(*s) for s in STEPS], columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%"),
        spacing="5",
    )


def dashboard() -> rx.Component:
    return rx.vstack(
        rx.heading(OnboardingState.greeting, ", ", SessionState.viewer_name, size="7"),
        first_run_checklist(),
        dash.quick_actions(),
        rx.cond(
            DashboardState.board_loaded,
            rx.vstack(
                dash.stats(),
                dash.my_listings(),
                dash.my_drafts(),
                dash.my_invitations(),
                dash.my_bids(),
                dash.my_contracts(),
                spacing="5",
                width="100%",
            ),
            loading("Loading your dashboard…"),
        ),
        rx.hstack(
            rx.button(
                "Sign out of all devices",
                variant="outline",
                color_scheme="red",
                on_click=SessionState.sign_out_everywhere,
            ),
            rx.cond(SessionState.flash, rx.text(SessionState.flash, role="status")),
        ),
        spacing="5",
        width="100%",
    )


def home_page() -> rx.Component:
    return page(
        rx.cond(SessionState.session_checked, rx.cond(SessionState.signed_in, dashboard(), landing()), loading())
    )
