"""/tasks: the member's to-do list. Add, edit, complete and delete tasks; each has a Delegate link to its routing menu
(`/tasks/<id>/delegate`) and says where it went."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error, labelled, text_field
from jtbd_app.components.layout import guarded, link_button, page
from jtbd_app.components.pager import button_pager
from jtbd_app.state.tasks import TasksState

S = TasksState
E = TasksState.errors
EE = TasksState.edit_errors
FILTERS = (("open", "Open", S.open_count), ("done", "Done", S.done_count), ("all", "All", S.open_count + S.done_count))


def _add_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_error(E),
            text_field(
                "Title",
                "title",
                E,
                hint="What needs doing, e.g. “Buy lightbulbs”. Press Enter to add it.",
            ),  # no autofocus on load: the page starts at its top, the skip link its first Tab stop
            rx.grid(
                text_field("Notes", "notes", E, multiline=True, rows="2", hint="Optional."),
                text_field("Due date", "due_on", E, type="date", hint="Optional."),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            rx.button("Add task", type="submit"),
            spacing="3",
            width="100%",
        ),
        key=S.form_key,
        on_submit=S.add_task,
        aria_label="Add a task",
        width="100%",
    )


def _filters() -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            *[
                rx.link(
                    label + " (" + count.to_string() + ")",
                    href=f"/tasks?show={value}",
                    weight=rx.cond(S.show == value, "bold", "regular"),
                    underline=rx.cond(S.show == value, "always", "hover"),
                    aria_current=rx.cond(S.show == value, "page", "false"),
                )
                for value, label, count in FILTERS
            ],
            spacing="4",
        ),
        aria_label="Show tasks",
    )


def _edit_field(label: str, name: str, control: rx.Component) -> rx.Component:
    return labelled(label, f"edit-{name}", control, EE[name])


def _edit_form(row: rx.Var) -> rx.Component:
    def described(name: str) -> dict[str, object]:
        return {
            "id": f"edit-{name}",
            "name": name,
            "aria_describedby": f"edit-{name}-error",
            "aria_invalid": rx.cond(EE[name], "true", "false"),
            "width": "100%",
            "on_key_down": S.edit_key_down,  # Escape cancels
        }

    return rx.form(
        rx.vstack(
            form_error(EE),
            _edit_field("Title", "title", rx.input(default_value=row.title, auto_focus=True, **described("title"))),
            _edit_field("Notes", "notes", rx.text_area(default_value=row.notes, rows="2", **described("notes"))),
            _edit_field("Due date", "due_on", rx.input(type="date", default_value=row.due_on, **described("due_on"))),
            rx.hstack(
                rx.button("Save", type="submit"),
                rx.button("Cancel", type="button", variant="soft", color_scheme="gray", on_click=S.cancel_edit),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.save_edit,
        aria_label="Edit " + row.title,
        width="100%",
    )


def _delete(row: rx.Var) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Delete", type="button", size="1", variant="soft", color_scheme="red", aria_label="Delete " + row.title
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this task?"),
            rx.alert_dialog.description(
                "“" + row.title + "” leaves your list and its notes are wiped. Where it was delegated stays on record."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button("Delete task", color_scheme="red", on_click=S.delete_task(row.id))),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
        ),
    )


def _where(row: rx.Var) -> rx.Component:
    return rx.cond(
        row.route_label,
        rx.flex(
            rx.badge(row.route_label, color_scheme="blue"),
            rx.cond(row.link_href, rx.link(row.link_label, href=row.link_href, is_external=row.external, size="2")),
            rx.cond(row.status, rx.text(row.status, size="2", color_scheme="gray")),
            rx.cond(row.contract_href, rx.link(row.contract_label, href=row.contract_href, size="2")),
            rx.cond(
                row.can_report,
                rx.link(
                    "Report outcome", href=row.report_href, size="2", aria_label="Report the outcome of " + row.title
                ),
            ),
            wrap="wrap",
            spacing="3",
            align="center",
        ),
    )


def _shown(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.checkbox(
            checked=row.done,
            on_change=lambda on: S.set_done(row.id, on),
            aria_label="Mark " + row.title + " done",
            margin_top="0.3rem",
        ),
        rx.vstack(
            rx.text(
                row.title,
                weight="medium",
                text_decoration=rx.cond(row.done, "line-through", "none"),
                style={"overflow_wrap": "anywhere"},
            ),
            rx.cond(
                row.notes, rx.text(row.notes, size="2", white_space="pre-wrap", style={"overflow_wrap": "anywhere"})
            ),
            rx.cond(
                row.due_label,
                rx.text(
                    row.due_label,
                    size="2",
                    color_scheme=rx.cond(row.overdue, "red", "gray"),
                    weight=rx.cond(row.overdue, "bold", "regular"),
                ),
            ),
            _where(row),
            rx.flex(
                link_button(
                    "Delegate", row.delegate_href, size="1", variant="soft", aria_label="Delegate " + row.title
                ),
                rx.button(
                    "Edit",
                    type="button",
                    size="1",
                    variant="soft",
                    on_click=S.start_edit(row.id),
                    aria_label="Edit " + row.title,
                ),
                _delete(row),
                wrap="wrap",
                spacing="2",
            ),
            spacing="1",
            width="100%",
        ),
        spacing="3",
        align="start",
        width="100%",
    )


def _task(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.card(rx.cond(S.editing_id == row.id, _edit_form(row), _shown(row)), width="100%"),
        style={"list_style": "none", "margin_bottom": "0.5rem"},
    )


def _empty() -> rx.Component:
    return rx.callout(
        rx.cond(
            S.open_count + S.done_count == 0,
            "No tasks yet — add one above.",
            rx.cond(S.show == "done", "No tasks done yet.", "Nothing open: every task is done."),
        ),
        icon="info",
        role="status",
    )


def _list() -> rx.Component:
    return rx.vstack(
        rx.card(_add_form(), width="100%"),
        _filters(),
        rx.box(rx.cond(S.message, rx.text(S.message, size="2")), role="status", aria_live="polite"),
        rx.cond(
            S.total > 0,
            rx.el.ul(
                rx.foreach(S.rows, _task),
                aria_label="Your tasks",
                style={"padding": "0", "margin": "0", "width": "100%"},
            ),
            _empty(),
        ),
        button_pager(S.page, S.pages, S.go_to_page, name="your tasks"),
        spacing="4",
        width="100%",
    )


def tasks_page() -> rx.Component:
    return page(
        rx.heading("Tasks", size="7"),
        rx.text(
            "Your to-do list. Delegate a task to buy it, hire an outside pro, post it here or plan it as a problem.",
            color_scheme="gray",
        ),
        guarded(S.loaded, S.refusal, _list(), waiting="Loading your tasks…"),
    )
