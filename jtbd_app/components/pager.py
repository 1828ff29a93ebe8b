"""Previous / Next buttons for a list paged inside one page (lists whose page lives in the URL use links)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx


def button_pager(page: rx.Var, pages: rx.Var, go_to: Callable[[Any], Any], *, name: str) -> rx.Component:
    """`go_to(n)` is the event that shows page n; `name` says which list, for screen readers."""
    return rx.cond(
        pages > 1,
        rx.el.nav(
            rx.hstack(
                rx.button(
                    "Previous page",
                    size="1",
                    variant="soft",
                    disabled=page <= 1,
                    aria_label=f"Previous page of {name}",
                    on_click=go_to(page - 1),
                ),
                rx.text("Page ", page.to_string(), " of ", pages.to_string(), size="2"),
                rx.button(
                    "Next page",
                    size="1",
                    variant="soft",
                    disabled=page >= pages,
                    aria_label=f"Next page of {name}",
                    on_click=go_to(page + 1),
                ),
                align="center",
                spacing="3",
            ),
            aria_label=f"Pages of {name}",
        ),
    )


def link_pager(page: rx.Var, pages: rx.Var, previous_href: rx.Var, next_href: rx.Var, *, label: str) -> rx.Component:
    """Previous / Next links for a list whose page lives in the URL; `label` names the navigation landmark."""
    return rx.cond(
        pages > 1,
        rx.el.nav(
            rx.hstack(
                rx.cond(previous_href, rx.link("Previous page", href=previous_href)),
                rx.text("Page ", page.to_string(), " of ", pages.to_string(), size="2"),
                rx.cond(next_href, rx.link("Next page", href=next_href)),
                spacing="4",
                align="center",
            ),
            aria_label=label,
        ),
    )
