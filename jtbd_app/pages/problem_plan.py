"""/problems/[id]: the plan, made while the owner watches, checked for fit, drawn as a graph beside the list."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error, text_field
from jtbd_app.components.layout import loading, page
from jtbd_app.components.plan_graph import plan_graph
from jtbd_app.components.plan_tasks import task_card, task_form
from jtbd_app.components.problem_money import fund_section, money_section
from jtbd_app.state.problem_money import ProblemMoneyState
from jtbd_app.state.problem_plan import ProblemPlanState

S = ProblemPlanState
P = ProblemPlanState.problem


def _header() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(P.title, size="7"),
            rx.badge(P.status_label, size="2"),
            align="center",
            wrap="wrap",
        ),
        rx.text(P.outcome, color_scheme="gray"),
        rx.text(
            rx.text("Budget ", P.budget, weight="bold", as_="span"),
            " · deadline ",
            P.deadline,
            rx.cond(P.location, rx.text(" · in ", P.location, as_="span")),
            size="3",
        ),
        rx.cond(P.success_measure, rx.text("Success: ", P.success_measure, size="2")),
        rx.cond(P.constraints, rx.text("Constraints: ", P.constraints, size="2")),
        spacing="2",
        width="100%",
    )


def _progress() -> rx.Component:
    return rx.cond(
        S.planning | P.planning,
        rx.callout(
            rx.vstack(
                rx.hstack(
                    rx.spinner(size="2"),
                    rx.text(
                        "Making your plan… ",
                        S.drafts.length().to_string(),
                        rx.cond(S.drafts.length() == 1, " task so far", " tasks so far"),
                    ),
                    align="center",
                ),
                rx.el.ol(
                    rx.foreach(S.drafts, lambda d: rx.el.li(rx.text(d.title, " (", d.route_label, ")", size="2")))
                ),
                align="start",
            ),
            icon="sparkles",
            role="status",
            aria_live="polite",
            width="100%",
        ),
    )


def _notes() -> rx.Component:
    return rx.cond(
        P.notes.length() > 0,
        rx.callout(
            rx.vstack(
                rx.text("Made by ", P.decomposer, ". Notes on this plan:", weight="medium"),
                rx.el.ul(rx.foreach(P.notes, lambda n: rx.el.li(rx.text(n, size="2")))),
                align="start",
            ),
            icon="info",
            color_scheme="gray",
            width="100%",
        ),
        rx.cond(P.decomposer, rx.text("Made by ", P.decomposer, ".", size="2", color_scheme="gray")),
    )


def _fit() -> rx.Component:
    cut = lambda c: rx.el.li(  # noqa: E731
        rx.hstack(
            rx.text(c.label, size="2"),
            rx.button("Apply", size="1", on_click=S.apply_cut(c.index), aria_label="Apply: " + c.label),
            align="center",
            spacing="2",
        ),
        style={"list_style": "none"},
    )
    return rx.cond(
        (P.tasks.length() > 0) & P.editable,
        rx.el.section(
            rx.callout(
                rx.vstack(
                    rx.text(P.fit.summary, weight="bold"),
                    rx.text(P.fit.cost_line, size="2"),
                    rx.text(P.fit.time_line, size="2"),
                    rx.cond(
                        P.fit.cuts.length() > 0,
                        rx.vstack(
                            rx.text("To make it fit:", size="2", weight="medium"),
                            rx.el.ul(rx.foreach(P.fit.cuts, cut), style={"padding": 0, "margin": 0}),
                            align="start",
                        ),
                    ),
                    align="start",
                ),
                icon=rx.cond(P.fit.fits, "circle-check", "triangle-alert"),
                color_scheme=rx.cond(P.fit.fits, "green", "amber"),
                width="100%",
            ),
            aria_label="Does the plan fit the budget and deadline?",
            width="100%",
        ),
    )


def _plan_controls() -> rx.Component:
    return rx.cond(
        P.editable,
        rx.vstack(
            rx.hstack(
                rx.button("Add a task", variant="soft", on_click=S.start_add),
                rx.button("Split budget by estimates", variant="soft", on_click=S.resplit("estimates")),
                rx.button("Split budget evenly", variant="soft", on_click=S.resplit("even")),
                rx.button("Make a new plan", variant="soft", on_click=S.make_plan, loading=S.planning),
                spacing="2",
                wrap="wrap",
            ),
            rx.form(
                rx.hstack(
                    rx.box(
                        text_field(
                            "Refine the whole plan",
                            "instruction",
                            S.errors,
                            hint="e.g. “add a task for a launch email” or “split the budget evenly”.",
                        ),
                        flex="1",
                    ),
                    rx.button("Refine plan", type="submit", loading=S.planning),
                    align="end",
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.refine_plan,
                reset_on_submit=True,
                aria_label="Refine the whole plan",
                width="100%",
            ),
            rx.cond(S.editing_key == "new", rx.card(rx.heading("New task", size="4", as_="h3"), task_form())),
            width="100%",
        ),
    )


def _plan() -> rx.Component:
    return rx.grid(
        rx.el.section(
            rx.heading("Dependency graph", size="5", as_="h2"),
            plan_graph(P.graph_width, P.graph_height, P.nodes, P.edges, label="Dependency graph of the plan"),
            aria_label="Dependency graph",
        ),
        rx.el.section(
            rx.heading("Tasks", size="5", as_="h2"),
            rx.el.ol(rx.foreach(P.tasks, task_card), style={"padding": 0, "display": "grid", "gap": "0.75rem"}),
            aria_label="Tasks",
        ),
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="5",
        width="100%",
    )


def _content() -> rx.Component:
    return rx.vstack(
        _header(),
        rx.cond(S.notice, rx.callout(S.notice, icon="check", color_scheme="green", role="status")),
        rx.cond(
            ProblemMoneyState.progress,
            rx.callout(ProblemMoneyState.progress, icon="loader", role="status"),
        ),
        form_error(S.errors),
        _progress(),
        _notes(),
        money_section(),
        _fit(),
        fund_section(),
        _plan_controls(),
        rx.cond(
            P.tasks.length() > 0,
            _plan(),
            rx.cond(~(S.planning | P.planning), rx.callout("This problem has no plan yet.", icon="info")),
        ),
        spacing="4",
        width="100%",
    )


def problem_plan_page() -> rx.Component:
    return page(
        rx.cond(
            S.loaded,
            rx.cond(
                S.found,
                _content(),
                rx.vstack(
                    rx.heading("Problem not found", size="7"),
                    form_error(S.errors),
                    rx.text("It may not exist, or it belongs to someone else."),
                    rx.link("Your problems", href="/problems"),
                ),
            ),
            loading("Loading the plan…"),
        ),
        width="80rem",
    )
