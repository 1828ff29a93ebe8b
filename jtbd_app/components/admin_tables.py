"""Pieces of the admin pages' tables: a captioned table (so assistive technology names it), its empty state, and a
badge for a member's role and status."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx


def caption(text: str | rx.Var) -> rx.Component:
    """Names the table for assistive technology (Radix puts aria-label on a wrapper, not the table)."""
    return rx.el.caption(
        text,
        style={
            "caption_side": "top",
            "text_align": "left",
            "padding": "0.5rem 0.75rem",
            "color": "var(--gray-11)",
            "font_size": "var(--font-size-2)",
        },
    )


def table(
    name: str, headers: list[str], items: rx.Var, row: Callable[[rx.Var], rx.Component], *, empty: str
) -> rx.Component:
    """A table named `name`, or the `empty` sentence when `items` is empty."""
    return rx.cond(
        items.length() > 0,  # type: ignore[attr-defined]
        rx.box(
            rx.table.root(
                caption(name),
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                rx.table.body(rx.foreach(items, row)),
                width="100%",
                size="1",
            ),
            overflow_x="auto",
            width="100%",
        ),
        rx.text(empty, size="2", color_scheme="gray"),
    )


def role_badge(role: rx.Var) -> rx.Component:
    return rx.cond(role == "admin", rx.badge("Administrator", color_scheme="purple"), rx.badge("Member"))


def status_badge(status: rx.Var) -> rx.Component:
    return rx.cond(
        status == "suspended", rx.badge("Suspended", color_scheme="red"), rx.badge("Active", color_scheme="green")
    )
