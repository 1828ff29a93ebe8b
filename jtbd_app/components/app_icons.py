"""The links in every page's head to the app's icons (assets/: favicon, SVG, PNG, apple-touch-icon) and its web
manifest, so a tab, a bookmark and a phone's home screen show the app's mark."""

from __future__ import annotations

import reflex as rx

ICON_LINKS = [
    {"rel": "icon", "href": "/favicon.ico", "sizes": "48x48"},
    {"rel": "icon", "href": "/icon.svg", "type": "image/svg+xml"},
    {"rel": "apple-touch-icon", "href": "/apple-touch-icon.png"},
    {"rel": "manifest", "href": "/manifest.webmanifest"},
]


def icon_links() -> list[rx.Component]:
    return [rx.el.link(**attrs) for attrs in ICON_LINKS]
