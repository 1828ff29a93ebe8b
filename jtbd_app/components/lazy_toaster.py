"""Reflex's toaster, its code (sonner) loaded with the first toast rather than with every page
(assets/lazy_toaster.js): the same toasts through `rx.toast`, and about 8 KB less JavaScript on a first visit
(issue 16)."""

from __future__ import annotations

import reflex as rx
from reflex.components.sonner.toast import Toaster


class LazyToaster(Toaster):
    """Sonner's `Toaster` and `toast` come from the module, which loads sonner on the first toast (Reflex's hook sets
    the module's `toast` as refs.__toast; it forwards to sonner's)."""

    library = "$/public/lazy_toaster.js"
    tag = "Toaster"
    lib_dependencies: list[str] = ["sonner@2.0.8"]  # installed for the module's dynamic import


def lazy_toaster() -> rx.Component:
    """Reflex's default toaster settings (bottom right, rich colours, expanded, no close button)."""
    return LazyToaster.create(position="bottom-right", rich_colors=True, expand=True, close_button=False)
