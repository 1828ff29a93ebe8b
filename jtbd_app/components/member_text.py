"""Markdown a member wrote, shown as the HTML the server rendered and sanitized (`domain.markdown_html`): no
markdown parser or code highlighter goes to the browser. Its look is in assets/member_text.css."""

from __future__ import annotations

import reflex as rx


def member_text(html: rx.Var[str] | str, **props: object) -> rx.Component:
    """`html` must come from `markdown_to_html` (sanitized on the server), never from what a browser sent."""
    return rx.html(html, class_name="member-text", **props)
