"""The skill tag input: chosen skills as removable badges, a typed box with suggestions, and its error."""

from __future__ import annotations

from typing import Any

import reflex as rx

from jtbd_app.components.forms import field_error

# Enter or a comma in the skill box adds the skill; neither may submit the form or stay in the box.
_KEEP_ENTER_IN_SKILL_BOX = rx.Var("((e) => { if (e.key === 'Enter' || e.key === ',') e.preventDefault(); })")


def skill_tags_editor(state: Any, *, label: str = "Skills", hint: str = "", add_button: bool = True) -> rx.Component:
    """For any state built on SkillTagsMixin."""
    return rx.vstack(
        rx.el.label(label, html_for="skill_draft", style={"font_weight": "500"}),
        rx.hstack(
            rx.foreach(
                state.edit_skills,
                lambda s: rx.badge(
                    s,
                    rx.icon_button(
                        rx.icon("x", size=12),
                        size="1",
                        variant="ghost",
                        type="button",
                        aria_label="Remove skill " + s,
                        on_click=state.remove_skill(s),
                    ),
                    size="2",
                ),
            ),
            wrap="wrap",
            aria_label="Chosen skills",
        ),
        rx.hstack(
            rx.box(
                rx.input(
                    id="skill_draft",
                    name="skill_draft",
                    value=state.skill_draft,
                    on_change=state.set_skill_draft,
                    on_key_down=state.skill_key_down,
                    placeholder="Type a skill, then Enter",
                    aria_describedby="skills-hint skills-error",
                    aria_invalid=rx.cond(state.errors["skills"], "true", "false"),
                    width="100%",
                ),
                custom_attrs={"onKeyDown": _KEEP_ENTER_IN_SKILL_BOX},
                width="100%",
            ),
            rx.button("Add skill", type="button", variant="soft", on_click=state.add_skill(""))
            if add_button
            else rx.fragment(),
            width="100%",
        ),
        rx.text(hint, id="skills-hint", size="1", color_scheme="gray") if hint else rx.fragment(),
        rx.cond(
            state.skill_suggestions.length() > 0,
            rx.hstack(
                rx.text("Suggestions:", size="2", color_scheme="gray"),
                rx.foreach(
                    state.skill_suggestions,
                    lambda s: rx.button(
                        s,
                        type="button",
                        size="1",
                        variant="outline",
                        aria_label="Add suggested skill " + s,
                        on_click=state.add_skill(s),
                    ),
                ),
                wrap="wrap",
                aria_label="Skill suggestions",
            ),
        ),
        field_error(state.errors["skills"], "skills"),
        spacing="2",
        width="100%",
    )
