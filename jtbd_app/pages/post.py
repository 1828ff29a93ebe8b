"""/post: the four-step posting wizard (also used to edit an open listing)."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import form_error, labelled, text_field
from jtbd_app.components.layout import guarded, page
from jtbd_app.components.member_text import member_text
from jtbd_app.components.skill_tags import skill_tags_editor
from jtbd_app.domain.listing_fields import STEP_NAMES
from jtbd_app.domain.marketplace import CATEGORIES
from jtbd_app.domain.money import CURRENCIES
from jtbd_app.state.post import PostState

F = PostState.form
E = PostState.errors


def _native_select(field_id: str, options: list[tuple[str, str]], value: rx.Var, placeholder: str = "") -> rx.Component:
    return rx.el.select(
        *([rx.el.option(placeholder, value="")] if placeholder else []),
        *[rx.el.option(label, value=key) for key, label in options],
        id=field_id,
        name=field_id,
        default_value=value,
        aria_describedby=f"{field_id}-error",
        aria_invalid=rx.cond(E[field_id], "true", "false"),
        style={"padding": "0.45rem", "width": "100%"},
    )


def _steps_nav() -> rx.Component:
    def item(number: int, name: str) -> rx.Component:
        current = PostState.step == number
        return rx.el.li(
            rx.button(
                f"{number}. {name}",
                type="button",
                variant=rx.cond(current, "solid", "soft"),
                size="1",
                disabled=(F.id == 0) | (number > F.reached),
                aria_current=rx.cond(current, "step", "false"),
                on_click=PostState.go_to_step(number),
            ),
            style={"list_style": "none"},
        )

    return rx.el.ol(
        *[item(n, name) for n, name in STEP_NAMES.items()],
        aria_label="Wizard steps",
        style={"display": "flex", "gap": "0.5rem", "flex_wrap": "wrap", "padding": 0, "margin": 0},
    )


def _nav_buttons(submit_label: str = "Save and continue") -> rx.Component:
    return rx.hstack(
        rx.cond(
            PostState.step > 1,
            rx.button("Back", type="button", variant="soft", on_click=PostState.go_to_step(PostState.step - 1)),
        ),
        rx.button(submit_label, type="submit"),
        spacing="3",
    )


def _step_what() -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field("Title", "title", E, default_value=F.title, placeholder="Fix the menu page of my bakery site"),
            text_field(
                "Description",
                "description",
                E,
                multiline=True,
                rows="8",
                default_value=F.description,
                hint="What needs doing and what done looks like. Plain text or markdown (no HTML), up to 10,000 characters.",
            ),
            labelled(
                "Category",
                "category",
                _native_select("category", list(CATEGORIES.items()), F.category, "Choose a category"),
                E["category"],
            ),
            _nav_buttons(),
            spacing="4",
            width="100%",
        ),
        on_submit=PostState.submit_step,
        aria_label="Step 1 form",
        width="100%",
    )


def _step_skills() -> rx.Component:
    return rx.form(
        rx.vstack(
            skill_tags_editor(PostState, label="Skills needed", hint="At least one; contractors are matched on them."),
            _nav_buttons(),
            spacing="4",
            width="100%",
        ),
        on_submit=PostState.submit_step,
        aria_label="Step 2 form",
        width="100%",
    )


def _step_budget() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.hstack(
                text_field(
                    "Fixed budget", "budget", E, default_value=F.budget, input_mode="decimal", placeholder="250.00"
                ),
                labelled(
                    "Currency",
                    "currency",
                    _native_select("currency", [(c, c) for c in CURRENCIES], F.currency),
                    E["currency"],
                ),
                width="100%",
                align="start",
            ),
            text_field("Deadline", "deadline", E, type="date", default_value=F.deadline),
            labelled(
                "Where the work happens",
                "remote",
                rx.radio_group(
                    ["remote", "local"],
                    value=rx.cond(PostState.remote, "remote", "local"),
                    on_change=PostState.set_remote,
                    direction="row",
                    id="remote",
                    name="remote",
                ),
                E["remote"],
                hint="remote: anywhere online; local: in person at a location.",
            ),
            text_field(
                "Location",
                "location",
                E,
                default_value=F.location,
                placeholder="City, country",
                hint="Required for local work.",
            ),
            _nav_buttons(),
            spacing="4",
            width="100%",
        ),
        on_submit=PostState.submit_step,
        aria_label="Step 3 form",
        width="100%",
    )


def _review_row(label: str, value: rx.Var | str) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def _step_review() -> rx.Component:
    return rx.vstack(
        rx.heading(F.title, size="6", as_="h2"),
        member_text(F.description_html),
        rx.data_list.root(
            _review_row("Category", F.category_label),
            _review_row("Skills", F.skills.join(", ")),
            _review_row("Budget", F.budget_display),
            _review_row("Deadline", F.deadline),
            _review_row("Where", rx.cond(F.remote, "Remote", "Local: " + F.location)),
        ),
        rx.cond(
            PostState.editing_open_listing,
            rx.hstack(
                rx.callout("Your changes are saved and live.", icon="check", role="status"),
                rx.link("View the listing", href="/listings/" + F.id.to_string()),
            ),
            rx.hstack(
                rx.button("Back", type="button", variant="soft", on_click=PostState.go_to_step(3)),
                rx.button("Publish listing", type="button", on_click=PostState.publish),
                rx.button(
                    "Delete draft",
                    type="button",
                    variant="outline",
                    color_scheme="red",
                    on_click=PostState.delete_draft,
                ),
                spacing="3",
                wrap="wrap",
            ),
        ),
        spacing="4",
        width="100%",
    )


def _wizard() -> rx.Component:
    return rx.vstack(
        rx.heading(rx.cond(PostState.editing_open_listing, "Edit your listing", "Post a task"), size="7"),
        rx.cond(
            F.id > 0,
            rx.text(
                rx.cond(
                    PostState.editing_open_listing,
                    "Each step saves straight to the live listing.",
                    "Draft saved. You can finish it later from your dashboard.",
                ),
                size="2",
                color_scheme="gray",
                role="status",
            ),
        ),
        _steps_nav(),
        rx.heading(PostState.step.to_string() + ". " + PostState.step_name, size="5", as_="h2"),
        form_error(E),
        rx.match(
            PostState.step,
            (1, _step_what()),
            (2, _step_skills()),
            (3, _step_budget()),
            _step_review(),
        ),
        spacing="4",
        width="100%",
    )


def post_page() -> rx.Component:
    return page(guarded(PostState.loaded, PostState.refusal, _wizard(), waiting="Loading the wizard…"), width="48rem")
