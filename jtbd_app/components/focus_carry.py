"""`focus_carry(remember=...)`: keeps the focus where it was when React Router replaces the hydrate fallback's frame
with the page's own (assets/focus_carry.js). The fallback's instance remembers; the frame's instance (in the shared
navigation bar, so on every page) restores."""

from __future__ import annotations

import reflex as rx


class FocusCarry(rx.Component):
    library = "$/public/focus_carry.js"
    tag = "FocusCarry"

    remember: rx.Var[bool]


def focus_carry(*, remember: bool = False) -> rx.Component:
    return FocusCarry.create(remember=remember)
