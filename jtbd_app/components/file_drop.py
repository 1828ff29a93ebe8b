"""A labelled zone to drop or choose up to ten files, listing the files chosen, with its hint and its error: the
same control for a delivery's files and a dispute's evidence."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.forms import field_error

MAX_FILES = 10


def file_drop(upload_id: str, *, key: str, button: str, chosen: str, hint: str, error: rx.Var) -> rx.Component:
    """`key` names the label and hint ids (`{key}-files-label`, `{key}-files-hint`); `chosen` names the list."""
    return rx.vstack(
        rx.text("Files", weight="medium", id=f"{key}-files-label"),
        rx.upload(
            rx.vstack(
                rx.hstack(
                    # A click anywhere in the zone opens the file picker; this button is its keyboard way.
                    rx.button(
                        rx.icon("paperclip", size=16),
                        button,
                        type="button",
                        variant="soft",
                        aria_describedby=f"{key}-files-hint",
                    ),
                    rx.text("or drop them here.", size="2", color_scheme="gray"),
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    rx.selected_files(upload_id).length() > 0,
                    rx.el.ul(
                        rx.foreach(
                            rx.selected_files(upload_id),
                            lambda name: rx.el.li(rx.text(name, size="2", style={"overflow_wrap": "anywhere"})),
                        ),
                        aria_label=chosen,
                        style={"padding_left": "1.25rem", "margin": "0"},
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            id=upload_id,
            multiple=True,
            max_files=MAX_FILES,
            no_keyboard=True,
            # The zone's own file input stays out of the way (and out of the accessibility tree): the button above
            # and a click or a drop on the zone open it.
            style={"& input[type=file]": {"display": "none"}},
            border="1px dashed var(--gray-a7)",
            border_radius="var(--radius-2)",
            padding="1rem",
            width="100%",
        ),
        rx.text(hint, id=f"{key}-files-hint", size="1", color_scheme="gray"),
        field_error(error, "files"),
        spacing="1",
        width="100%",
    )
