"""Pieces of markup the server builds in Radix Themes' classes, shared by the regions it fills in (the marketplace's
results: results_html; a listing's summary: listing_html). Text from a member is escaped by the caller or here, as
each function says; hrefs are the app's own paths."""

from __future__ import annotations

from html import escape

TEXT = "rt-Text rt-r-size-2"
_LINK = "rt-Text rt-reset rt-Link rt-underline-auto"


def badge(text: str, colour: str = "", *, size: str = "1", inner_html: str = "") -> str:
    """A soft badge saying `text` (escaped here), after `inner_html` (markup already safe: an icon)."""
    return (
        f'<span class="rt-reset rt-Badge rt-r-size-{size} rt-variant-soft" data-accent-color="{colour}">'
        f"{inner_html}{escape(text)}</span>"
    )


def link(inner_html: str, href: str, extra: str = "", *, label: str = "") -> str:
    """A link to one of the app's own paths (`href` is built by the app, never a member's text); `inner_html` is
    already escaped. The region routes a click on it inside the page (components/routed_html)."""
    aria = f' aria-label="{escape(label)}"' if label else ""
    classes = f"{_LINK} {extra}".strip()
    return f'<a class="{classes}" data-accent-color="" href="{escape(href)}"{aria}>{inner_html}</a>'


def loading(label: str, css_class: str) -> str:
    """A region's loading state, as the app's `layout.loading` draws it: a spinner and `label` in a status."""
    return (
        f'<div class="{css_class}"><div role="status" class="rt-Flex rt-r-fd-row rt-r-ai-center rt-r-gap-3">'
        '<span class="rt-Spinner rt-r-size-3">' + '<span class="rt-SpinnerLeaf"></span>' * 8 + "</span>"
        f'<p class="rt-Text">{escape(label)}</p></div></div>'
    )
