"""`hydrate_later(...)`: a React Suspense boundary around a page's prerendered content.

React hydrates a server-rendered page's frame first and leaves a Suspense boundary's content, already on the screen
as the server rendered it, to hydrate afterwards at a lower priority. The app's root (Reflex's providers) commits
sooner, so its websocket's first event (the page's load) leaves sooner, and the content hydrates while the server
answers; an update for the content (the page's load answered) hydrates it first. Nothing in it suspends, so it never
shows a fallback (issue 16, "Pages near the floor")."""

from __future__ import annotations

import reflex as rx


class _Suspense(rx.Component):
    library = "react"
    tag = "Suspense"


def hydrate_later(*children: rx.Component) -> rx.Component:
    return _Suspense.create(*children)
