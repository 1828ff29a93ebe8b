"""A plan's micro-tasks as cards, each with its form for the owner's edits while the plan is not published."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error, labelled, text_field
from jtbd_app.domain.plans import EVIDENCE_LABELS, ROUTE_LABELS
from jtbd_app.state.problem_plan import ProblemPlanState

S = ProblemPlanState
E = ProblemPlanState.errors


def _select(field_id: str, options: dict[str, str], value: rx.Var | str) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(label, value=key) for key, label in options.items()],
        id=field_id,
        name=field_id,
        default_value=value,
        aria_describedby=f"{field_id}-error",
        aria_invalid=rx.cond(E[field_id], "true", "false"),
        style={"padding": "0.45rem", "width": "100%"},
    )


def _needs_checkboxes(task: rx.Var) -> rx.Component:
    def one(other: rx.Var) -> rx.Component:
        return rx.cond(
            other.key != task.key,
            rx.el.label(
                rx.el.input(
                    type="checkbox",
                    checked=task.needs_keys.contains(other.key),
                    on_change=S.toggle_need(task.key, other.key),
                ),
                rx.text(" ", other.title, as_="span", size="2"),
                style={"display": "block"},
            ),
        )

    return rx.el.fieldset(
        rx.el.legend("Needs these done first", style={"font_weight": "500"}),
        rx.foreach(S.problem.tasks, one),
        style={"border": "none", "padding": 0},
    )


def task_form(task: rx.Var | None = None) -> rx.Component:
    """The fields of a task (empty for a new one); saving re-splits and re-schedules the whole plan."""

    def value(name: str, default: str = "") -> rx.Var | str:
        return task[name] if task is not None else default

    return rx.form(
        rx.vstack(
            form_error(E),
            text_field("Title", "title", E, default_value=value("title")),
            text_field("Description", "description", E, multiline=True, default_value=value("description")),
            text_field(
                "Skills", "skills", E, hint="Comma-separated, e.g. seo, analytics.", default_value=value("skills")
            ),
            text_field(
                "Acceptance criteria",
                "criteria",
                E,
                multiline=True,
                rows="4",
                hint="One per line: what must be true for the work to be accepted.",
                default_value=value("criteria_text"),
            ),
            rx.grid(
                labelled(
                    "Proof",
                    "evidence_kind",
                    _select("evidence_kind", EVIDENCE_LABELS, value("evidence_kind", "link")),
                    E["evidence_kind"],
                ),
                text_field(
                    "Target number",
                    "evidence_threshold",
                    E,
                    hint="For a number: the least that passes.",
                    default_value=value("evidence_threshold"),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            text_field("What proves it", "evidence_description", E, default_value=value("evidence_description")),
            rx.grid(
                labelled(
                    "How it gets done", "route", _select("route", ROUTE_LABELS, value("route", "internal")), E["route"]
                ),
                text_field(
                    "Days it takes", "duration_days", E, inputmode="numeric", default_value=value("duration_days_text", "3")
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.button("Save task", type="submit"),
                rx.button("Cancel", type="button", variant="soft", on_click=S.close_forms),
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.save_task,
        aria_label=rx.cond(task is not None, "Edit task", "New task") if task is not None else "New task",
        width="100%",
    )


def _share_form(task: rx.Var) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.box(text_field("Share of the budget", "share", E, default_value=task.share_input), flex="1"),
            rx.button("Set share", type="submit", variant="soft"),
            align="end",
            spacing="2",
            width="100%",
        ),
        on_submit=S.set_share,
        aria_label="Set the task's share",
        width="100%",
    )


def _refine_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.box(text_field("How should this task change?", "instruction", E), flex="1"),
            rx.button("Refine", type="submit", loading=S.planning),
            rx.button("Cancel", type="button", variant="soft", on_click=S.close_forms),
            align="end",
            spacing="2",
            width="100%",
        ),
        on_submit=S.refine_task,
        aria_label="Refine the task",
        width="100%",
    )


def _actions(task: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.button("Edit", size="1", variant="soft", on_click=S.start_edit(task.key), aria_label="Edit " + task.title),
        rx.button(
            "Refine", size="1", variant="soft", on_click=S.start_refine(task.key), aria_label="Refine " + task.title
        ),
        rx.button(
            "Move up", size="1", variant="soft", on_click=S.move_task(task.key, "up"), aria_label="Move up " + task.title
        ),
        rx.button(
            "Move down",
            size="1",
            variant="soft",
            on_click=S.move_task(task.key, "down"),
            aria_label="Move down " + task.title,
        ),
        rx.button(
            "Remove",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=S.remove_task(task.key),
            aria_label="Remove " + task.title,
        ),
        spacing="2",
        wrap="wrap",
    )


def _details(task: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.cond(task.description, rx.text(task.description, size="2")),
        rx.text(rx.text("Acceptance criteria", weight="medium", as_="span"), size="2"),
        rx.el.ul(rx.foreach(task.criteria, lambda c: rx.el.li(rx.text(c, size="2"))), style={"margin": 0}),
        rx.text(rx.text("Proof: ", weight="medium", as_="span"), task.evidence, size="2"),
        rx.cond(task.skills, rx.text(rx.text("Skills: ", weight="medium", as_="span"), task.skills, size="2")),
        rx.cond(
            task.needs.length() > 0,
            rx.text(rx.text("Needs first: ", weight="medium", as_="span"), task.needs.join(", "), size="2"),
        ),
        spacing="1",
        align="start",
    )


def task_card(task: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(task.title, size="4", as_="h3"),
                    rx.spacer(),
                    rx.badge(task.route_label, variant="soft"),
                    rx.cond(task.optional, rx.badge("Optional", color_scheme="gray")),
                    rx.badge(task.state_label, color_scheme="indigo"),
                    align="center",
                    width="100%",
                    wrap="wrap",
                ),
                rx.text(
                    rx.text(task.share, weight="bold", as_="span", custom_attrs={"data-share": ""}),
                    " · due ",
                    task.due,
                    " · takes ",
                    task.duration_days.to_string(),
                    " days · estimated ",
                    task.estimate,
                    size="2",
                    color_scheme="gray",
                ),
                _details(task),
                rx.cond(
                    S.problem.editable,
                    rx.cond(
                        S.editing_key == task.key,
                        rx.vstack(task_form(task), _share_form(task), _needs_checkboxes(task), width="100%"),
                        rx.cond(S.refining_key == task.key, _refine_form(), _actions(task)),
                    ),
                ),
                spacing="2",
                width="100%",
            ),
        ),
        style={"list_style": "none"},
        aria_label=task.title,
    )
