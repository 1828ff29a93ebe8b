"""`routed_html(html, ...)`: a region showing markup the server built as its inner HTML, its links routed inside the
page (assets/routed_html.js). For a region the served page fills in before any script runs (api/page_files): React
keeps that markup when it hydrates instead of building it again."""

from __future__ import annotations

import reflex as rx


class RoutedHtml(rx.Component):
    library = "$/public/routed_html.js"
    tag = "RoutedHtml"

    html: rx.Var[str]


def routed_html(html: rx.Var[str] | str, **props: object) -> rx.Component:
    return RoutedHtml.create(html=html, **props)
