"""/problems (the client's problems) and /problems/new (describe an outcome, a budget and a deadline)."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error, labelled, text_field
from jtbd_app.components.layout import guarded, link_button, loading, page
from jtbd_app.components.pager import button_pager
from jtbd_app.components.table_styles import VISUALLY_HIDDEN
from jtbd_app.domain.money import CURRENCIES
from jtbd_app.state.problems import NewProblemState, ProblemsState
from jtbd_app.state.session import SessionState

E = NewProblemState.errors


def _currency_select() -> rx.Component:
    return rx.el.select(
        *[rx.el.option(code, value=code) for code in CURRENCIES],
        id="currency",
        name="currency",
        default_value=NewProblemState.prefill_currency,
        key=NewProblemState.prefill_currency,  # a new default mounts a new select (a mounted one keeps its own)
        aria_describedby="currency-error",
        aria_invalid=rx.cond(E["currency"], "true", "false"),
        style={"padding": "0.45rem", "width": "100%"},
    )


def _suggestions() -> rx.Component:
    return rx.cond(
        NewProblemState.suggestions.length() > 0,
        rx.box(
            rx.text("Measurable criteria you could use:", size="2", weight="medium"),
            rx.el.ul(rx.foreach(NewProblemState.suggestions, lambda s: rx.el.li(rx.text(s, size="2")))),
            role="region",
            aria_label="Suggested success criteria",
            aria_live="polite",
            padding="0.75rem",
            border_radius="8px",
            background="var(--accent-2)",
        ),
    )


def _problem_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(E),
            text_field(
                "What outcome do you want?",
                "outcome",
                E,
                multiline=True,
                rows="4",
                hint="Say what done looks like, e.g. “Get 10K legit visitors to my bakery's site in 60 days”.",
                on_change=NewProblemState.suggest_criteria,
                debounce_timeout=400,
                default_value=NewProblemState.prefill_outcome,
            ),
            _suggestions(),
            rx.grid(
                text_field(
                    "Budget",
                    "budget",
                    E,
                    hint="The most you will spend in all, e.g. 3000.",
                    inputmode="decimal",
                    default_value=NewProblemState.prefill_budget,
                ),
                labelled("Currency", "currency", _currency_select(), E["currency"]),
                text_field(
                    "Deadline",
                    "deadline",
                    E,
                    type="date",
                    hint="When it must be done.",
                    default_value=NewProblemState.prefill_deadline,
                ),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="3",
                width="100%",
            ),
            text_field(
                "How will success be measured?",
                "success_measure",
                E,
                multiline=True,
                hint="Optional: a number, a report, a date (the suggestions above may help).",
            ),
            text_field(
                "Constraints", "constraints", E, multiline=True, hint="Optional: what to avoid, tools, brand rules."
            ),
            text_field("Location", "location", E, hint="Optional: a city, for work done in person. Empty for remote."),
            rx.button("Make a plan", type="submit", size="3"),
            spacing="4",
            width="100%",
        ),
        on_submit=NewProblemState.submit,
        aria_label="New problem",
    )


def new_problem_page() -> rx.Component:
    return page(
        rx.heading("Describe your problem", size="7"),
        rx.text(
            "Say what outcome you want, what you can spend and by when. We break it into tasks with a budget share, "
            "a due date and how each will be checked; you edit the plan before any money moves.",
            color_scheme="gray",
        ),
        rx.cond(
            SessionState.session_checked,
            rx.cond(
                SessionState.signed_in,
                _problem_form(),
                rx.callout(
                    rx.text("Please ", rx.link("sign in", href="/login?next=/problems/new"), " to describe a problem."),
                    icon="log-in",
                ),
            ),
            loading(),
        ),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(row.title, href=row.href)),
        rx.table.cell(rx.badge(row.status_label)),
        rx.table.cell(row.budget),
        rx.table.cell(row.deadline),
    )


def _list() -> rx.Component:
    return rx.cond(
        ProblemsState.total > 0,
        rx.vstack(
            rx.table.root(
                rx.el.caption("Your problems", style=VISUALLY_HIDDEN),
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Problem"),
                        rx.table.column_header_cell("State"),
                        rx.table.column_header_cell("Budget"),
                        rx.table.column_header_cell("Deadline"),
                    )
                ),
                rx.table.body(rx.foreach(ProblemsState.rows, _row)),
                width="100%",
            ),
            button_pager(ProblemsState.page, ProblemsState.pages, ProblemsState.go_to_page, name="your problems"),
            width="100%",
        ),
        rx.callout(
            "You have no problems yet. Describe an outcome you want and get a plan of tasks.",
            icon="info",
            role="status",
        ),
    )


def problems_page() -> rx.Component:
    return page(
        rx.hstack(
            rx.heading("Your problems", size="7"),
            rx.spacer(),
            link_button("Describe a problem", "/problems/new"),
            align="center",
            width="100%",
        ),
        guarded(ProblemsState.loaded, ProblemsState.refusal, _list(), waiting="Loading your problems…"),
    )
