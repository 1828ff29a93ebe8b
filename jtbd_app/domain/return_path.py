"""Where a member goes back to after signing in or up: only a page of this app, else the dashboard.

The `next` value comes from a URL anyone can craft, so it is an open redirect unless it is held to a path of this
site: no scheme or host (`https://…`, `//host`, `/\\host`, which browsers read as `//host`), no control characters
(a tab or line break inside `/\t/host` is dropped by browsers), nothing under `/api` or Reflex's own `/_…` routes,
and not the sign-in pages themselves (a loop, or a reset or confirmation link's token carried around).
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

DASHBOARD = "/"
MAX_LENGTH = 500
# Pages a member is never sent back to: the sign-in pages and those that hold a one-time link's token.
SIGN_IN_PAGES = ("/login", "/signup", "/reset-password", "/verify-email", "/connect-sign-in")
_FORBIDDEN_PREFIXES = ("/api", "/_", "/go/")


def _control_or_space(ch: str) -> bool:
    return ord(ch) < 33 or 0x7F <= ord(ch) <= 0x9F or ch.isspace()


def _is_under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/") or path.startswith(prefix + "?")


def safe_return_path(target: object) -> str:
    """`target` when it is a path of this app a member may be sent back to; the dashboard otherwise."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return DASHBOARD
    if any(_control_or_space(ch) for ch in target) or "\\" in target:
        return DASHBOARD
    if not target.startswith("/") or target.startswith("//"):
        return DASHBOARD
    try:
        parts = urlsplit(target)
    except ValueError:
        return DASHBOARD
    if parts.scheme or parts.netloc:
        return DASHBOARD
    # The path as the server will route it: percent-escapes decoded (`/%61pi` is `/api`), case folded.
    path = unquote(parts.path).lower()
    if path.startswith("//") or "\\" in path or any(_control_or_space(ch) for ch in path):
        return DASHBOARD
    if any(segment in (".", "..") for segment in path.split("/")):
        return DASHBOARD
    if any(_is_under(path, prefix) for prefix in _FORBIDDEN_PREFIXES + SIGN_IN_PAGES):
        return DASHBOARD
    if path.startswith("/_"):
        return DASHBOARD
    return target


def return_query(target: object) -> str:
    """`?next=…` for a link to the sign-in pages, or "" when the member would go to the dashboard anyway."""
    path = safe_return_path(target)
    return "" if path == DASHBOARD else "?next=" + quote(path, safe="/")
