"""The problem page's money and execution: fund once, where the money is (as a bar and in words), what needs the
owner, and each posted task's contractors to invite or its cancellation."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import field_error
from jtbd_app.components.stripe_card import stripe_card_payment
from jtbd_app.components.test_money import test_card_form, test_money_banner
from jtbd_app.state.problem_money import ProblemMoneyState

M = ProblemMoneyState
P = ProblemMoneyState.problem
E = ProblemMoneyState.errors
BAR_COLOURS = ["var(--gray-6)", "var(--blue-9)", "var(--amber-9)", "var(--green-9)"]


def _sandbox_fund() -> rx.Component:
    return test_card_form(
        errors=E,
        progress=M.progress,
        pay_label="Pay " + P.budget + " into escrow",
        on_submit=M.fund,
        aria_label="Fund the problem",
    )


def fund_section() -> rx.Component:
    """For a plan not yet funded: one payment of the whole budget."""
    return rx.cond(
        P.status == "planned",
        rx.card(
            rx.vstack(
                rx.heading("Fund and publish", size="5", as_="h2"),
                rx.text(
                    "Pay ",
                    P.budget,
                    " once into this problem's escrow. The tasks to hire for are then posted in the marketplace; "
                    "each is paid from the escrow when you accept a bid and released when you approve its delivery. "
                    "What no task needs comes back to you.",
                ),
                test_money_banner(~M.is_stripe),
                rx.cond(M.is_stripe, stripe_card_payment(ProblemMoneyState, P.budget), _sandbox_fund()),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def _money_bar() -> rx.Component:
    """Where the budget is, as one bar (its parts are also listed in words beside it)."""
    return rx.hstack(
        rx.foreach(
            P.money[1:],
            lambda line, i: rx.box(
                height="0.9rem",
                flex_grow=line.minor,
                background=rx.match(i, (0, BAR_COLOURS[1]), (1, BAR_COLOURS[2]), BAR_COLOURS[3]),
            ),
        ),
        spacing="0",
        width="100%",
        border_radius="4px",
        overflow="hidden",
        background=BAR_COLOURS[0],
        aria_hidden="true",
    )


def money_section() -> rx.Component:
    """Once funded: the money held and released, what needs the owner now, and what can come back."""
    line = lambda m, i: rx.el.li(  # noqa: E731
        rx.hstack(
            rx.box(
                width="0.8rem",
                height="0.8rem",
                border_radius="2px",
                background=rx.match(i, (1, BAR_COLOURS[1]), (2, BAR_COLOURS[2]), (3, BAR_COLOURS[3]), "transparent"),
            ),
            rx.text(m.label, ": ", rx.text(m.amount, weight="bold", as_="span"), size="2"),
            align="center",
            spacing="2",
        ),
        style={"list_style": "none"},
    )
    return rx.cond(
        P.funded,
        rx.el.section(
            rx.card(
                rx.vstack(
                    rx.heading("Money and progress", size="5", as_="h2"),
                    _money_bar(),
                    rx.el.ul(rx.foreach(P.money, line), style={"padding": 0, "margin": 0}),
                    rx.cond(
                        P.receipt_link,
                        rx.link(
                            rx.hstack(rx.icon("receipt", size=14), rx.text("Receipt of your payment"), spacing="1"),
                            href=P.receipt_link,
                            size="2",
                        ),
                    ),
                    rx.cond(P.late > 0, rx.badge(P.late.to_string() + " late", color_scheme="red")),
                    rx.cond(
                        P.needs_you.length() > 0,
                        rx.vstack(
                            rx.text("Needs you now:", weight="medium"),
                            rx.el.ul(rx.foreach(P.needs_you, lambda n: rx.el.li(rx.text(n, size="2")))),
                            align="start",
                        ),
                        rx.text("Nothing needs you right now.", size="2", color_scheme="gray"),
                    ),
                    rx.cond(
                        P.free_minor > 0,
                        rx.hstack(
                            rx.text(P.free, " is not needed by any task.", size="2"),
                            rx.button(
                                "Return " + P.free + " to me",
                                size="1",
                                on_click=M.return_remainder("client"),
                                loading=M.progress != "",
                            ),
                            align="center",
                            wrap="wrap",
                        ),
                    ),
                    align="start",
                    spacing="3",
                    width="100%",
                ),
            ),
            aria_label="Money and progress",
            width="100%",
        ),
    )


def _suggestion(s: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.vstack(
                rx.link(s.display_name, href=s.profile_href, weight="medium"),
                rx.text(s.reason, size="1", color_scheme="gray"),
                spacing="0",
                align="start",
            ),
            rx.spacer(),
            rx.cond(
                s.invited,
                rx.badge("Invited", color_scheme="green"),
                rx.button("Invite", size="1", on_click=M.invite(s.username), aria_label="Invite " + s.display_name),
            ),
            align="center",
            width="100%",
        ),
        style={"list_style": "none"},
    )


def matches_panel(task: rx.Var) -> rx.Component:
    """The best contractors for a posted task, with why; invite them one by one or the best three at once."""
    return rx.cond(
        M.matching_key == task.key,
        rx.vstack(
            rx.hstack(
                rx.text("Best matches", weight="medium"),
                rx.spacer(),
                rx.button("Invite the best 3", size="1", on_click=M.invite_best),
                width="100%",
                align="center",
            ),
            rx.cond(
                M.suggestions.length() > 0,
                rx.el.ul(rx.foreach(M.suggestions, _suggestion), style={"padding": 0, "margin": 0, "width": "100%"}),
                rx.text("No contractor matches this task yet.", size="2", color_scheme="gray"),
            ),
            width="100%",
            role="region",
            aria_label="Best matches for " + task.title,
        ),
        rx.button(
            "Find contractors",
            size="1",
            variant="soft",
            on_click=M.show_matches(task.key),
            aria_label="Find contractors for " + task.title,
        ),
    )


def cancel_panel(task: rx.Var) -> rx.Component:
    """Cancel a task not yet hired; the owner says where its share goes."""
    return rx.cond(
        M.cancelling_key == task.key,
        rx.vstack(
            rx.text("Cancel “", task.title, "”? Its share of ", task.share, " goes:", size="2", weight="medium"),
            rx.hstack(
                rx.button("Back to me", size="1", color_scheme="red", on_click=M.cancel_task("client")),
                rx.button("To the other tasks", size="1", color_scheme="red", on_click=M.cancel_task("tasks")),
                rx.button("Keep the task", size="1", variant="soft", on_click=M.close_money_forms),
                spacing="2",
                wrap="wrap",
            ),
            field_error(E["to"], "to"),
            align="start",
            role="group",
            aria_label="Cancel " + task.title,
        ),
        rx.button(
            "Cancel task",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=M.start_cancel(task.key),
            aria_label="Cancel task " + task.title,
        ),
    )
