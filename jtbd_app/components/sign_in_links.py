"""Links to the sign-in pages that bring the member back to the page that asked (`/login?next=/listings/12`).

The page's own path comes from the router (the browser's URL as the server last saw it); the sign-in pages and the
cookie route check it again (`domain/return_path`), so a crafted value only ever lands on the dashboard.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.function import FunctionStringVar

from jtbd_app.state.session import SessionState

_encode = FunctionStringVar.create("encodeURIComponent")


def return_here() -> rx.Var:
    """`?next=<this page's path and query>`, percent-encoded (nothing on the dashboard); on a sign-in page itself, the `next` it was given (so
    that switching between signing in and signing up keeps the page that asked)."""
    url = SessionState.router.url
    here = rx.cond(url.query != "", url.path + "?" + url.query, url.path)
    on_a_sign_in_page = url.path.startswith("/login") | url.path.startswith("/signup")
    on_the_dashboard = ((url.path == "/") | (url.path == "")) & (url.query == "")  # where signing in goes anyway
    return rx.cond(
        on_a_sign_in_page,
        rx.cond(url.query != "", "?" + url.query, ""),
        rx.cond(on_the_dashboard, "", "?next=" + _encode.call(here).to(str)),
    ).to(str)


def sign_in_href() -> rx.Var:
    return "/login" + return_here()


def sign_up_href() -> rx.Var:
    return "/signup" + return_here()
