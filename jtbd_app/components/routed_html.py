"""`routed_html(html, ...)`: a region showing markup the server built as its inner HTML, its links routed inside the
page (assets/routed_html.js). For a region the served page fills in before any script runs (api/page_files): React
keeps that markup when it hydrates instead of building it again.

`served_html(html, placeholder, ...)`: the same for a page with a parameter (a listing), which is served from the SPA
fallback: the app's hydrate fallback (`served_fallback`, what that served page shows until its route's scripts have
loaded) holds the region the server fills in, and the page's own region shows what was served there until its state
carries the same markup."""

from __future__ import annotations

import reflex as rx

from jtbd_app.components.focus_carry import focus_carry
from jtbd_app.components.layout import page
from jtbd_app.state.listings import SUMMARY_ID, SUMMARY_LOADING

_LIBRARY = "$/public/routed_html.js"


class RoutedHtml(rx.Component):
    library = _LIBRARY
    tag = "RoutedHtml"

    html: rx.Var[str]


class ServedHtml(rx.Component):
    library = _LIBRARY
    tag = "ServedHtml"

    html: rx.Var[str]
    placeholder: rx.Var[str]


def routed_html(html: rx.Var[str] | str, **props: object) -> rx.Component:
    return RoutedHtml.create(html=html, **props)


def served_html(html: rx.Var[str] | str, **props: object) -> rx.Component:
    """The served region (id SUMMARY_ID): `html` once the page's state has it, before that what the server filled in
    for this URL, else the loading state."""
    return ServedHtml.create(html=html, placeholder=SUMMARY_LOADING, id=SUMMARY_ID, **props)


def served_fallback() -> rx.Component:
    """The app's hydrate fallback: the page's frame around the served region, empty until the server fills it in."""
    return rx.fragment(
        focus_carry(remember=True),  # where the focus was when the page's own frame replaces this one
        page(served_html("", custom_attrs={"aria-busy": "true"}), served_content=True),
    )
