"""Pages served without a detour, in production (`reflex run --env prod`, where the backend serves the build).

- `/marketplace` is answered with the prerendered `marketplace.html`. Starlette's static files would first redirect
  it to `/marketplace/` (the build also has a `marketplace/` folder): a round trip more for every page opened by its
  address, a link from outside or the canonical URL the page itself announces.
- A page served from the SPA fallback (the routes with a parameter: a listing, a contract, a profile) names its
  route's scripts as modulepreloads in its head, as the prerendered pages do. Without them the browser learns them
  one after another once the router has started: the route's module, then what it imports (34 files for a listing,
  a few hundred milliseconds on a cold load). The route and its scripts come from the build's React Router
  manifest. No inline script changes, so the Content-Security-Policy's hashes still match.
- A page with a region the server builds (`Fill`: the marketplace's results, a listing's summary) is sent with that
  region filled in for its URL, in place of the loading state the build prerendered: its content shows with the
  page's first paint, before any script has run, and the page's state shows the same markup once it has loaded
  (components/routed_html). A route with a parameter is served from the SPA fallback, whose region is the app's
  hydrate fallback (jtbd_app.py). If the region cannot be filled (the database is away, the build changed, nothing
  public to show), the page goes out as built.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread

from jtbd_app.api.served_html import ASGIApp, Receive, Scope, Send, rewritten

_MANIFEST_URL = re.compile(rb'href="(/assets/manifest-[\w-]+\.js)"')
_MANIFEST_PREFIX = "window.__reactRouterManifest="
_PRELOADED = re.compile(rb'rel="modulepreload" href="([^"]+)"')
_FIRST_SCRIPT = re.compile(rb"<script[\s>]", re.IGNORECASE)
_SPECIAL = {"404.html", "__spa-fallback.html", "index.html"}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fill:
    """A region of a prerendered page that the server fills in for each request."""

    region_id: str  # the id of the element whose inner HTML the server builds
    placeholder: str  # its inner HTML as the build prerendered it (a loading state)
    # the request's path and query string -> the region's inner HTML, or None to leave the placeholder (blocking: it
    # runs in a thread)
    build: Callable[[str, str], str | None]


def filled(page: bytes, fill: Fill, inner_html: str) -> bytes | None:
    """`page` with the region's placeholder replaced by `inner_html`, the region no longer busy; None when the page
    does not hold the placeholder as expected."""
    start = re.search(rb'<div\b[^>]*\bid="' + re.escape(fill.region_id.encode()) + rb'"[^>]*>', page)
    placeholder = fill.placeholder.encode() + b"</div>"
    if start is None or not page.startswith(placeholder, start.end()):
        return None
    tag = start.group(0).replace(b'aria-busy="true"', b'aria-busy="false"').replace(b">", b' data-served="true">', 1)
    return page[: start.start()] + tag + inner_html.encode() + b"</div>" + page[start.end() + len(placeholder) :]


@dataclass(frozen=True)
class Route:
    """A route with a parameter and the scripts it needs, the route's own module first."""

    pattern: re.Pattern[str]
    scripts: tuple[str, ...]


@dataclass(frozen=True)
class Build:
    """What the served build holds: its prerendered pages by path, its routes with a parameter."""

    pages: frozenset[str] = frozenset()
    routes: tuple[Route, ...] = ()

    def page_file(self, path: str) -> str | None:
        """`/marketplace` -> `/marketplace.html` when the build has that page; None for anything else."""
        return f"{path}.html" if path in self.pages else None

    def scripts_for(self, path: str) -> tuple[str, ...]:
        """The scripts of the route with a parameter that `path` opens; () when it opens none."""
        return next((route.scripts for route in self.routes if route.pattern.fullmatch(path)), ())


def route_pattern(route_path: str) -> re.Pattern[str]:
    """React Router's `listings/:id` -> a pattern for `/listings/12` (a trailing slash allowed)."""
    parts = [r"[^/]+" if part.startswith(":") else re.escape(part) for part in route_path.strip("/").split("/")]
    return re.compile("/" + "/".join(parts) + "/?")


def routes_from_manifest(manifest_js: str, prefix: str = "") -> tuple[Route, ...]:
    """The routes with a parameter in a React Router manifest (`window.__reactRouterManifest={...}`)."""
    manifest = json.loads(manifest_js.strip().removeprefix(_MANIFEST_PREFIX).rstrip(";"))
    found = []
    for route in manifest.get("routes", {}).values():
        route_path = route.get("path") or ""
        if ":" in route_path and route.get("module"):
            scripts = (route["module"], *route.get("imports", ()))
            found.append(Route(route_pattern(f"{prefix}/{route_path}"), tuple(dict.fromkeys(scripts))))
    return tuple(found)


def read_build(build_dir: Path, prefix: str = "") -> Build:
    """The pages and routes of the build in `build_dir`, served under `prefix` (the frontend path, "" at the root);
    an empty Build when there is none (development)."""
    fallback = build_dir / "404.html"
    if not fallback.is_file():
        return Build()
    prefix = prefix.rstrip("/")
    pages = frozenset(
        prefix + "/" + str(file.relative_to(build_dir).with_suffix("")).replace("\\", "/")
        for file in build_dir.rglob("*.html")
        if file.name not in _SPECIAL and "assets" not in file.relative_to(build_dir).parts
    )
    manifest_url = _MANIFEST_URL.search(fallback.read_bytes())
    manifest = build_dir / manifest_url.group(1).decode().lstrip("/") if manifest_url else None
    routes = routes_from_manifest(manifest.read_text(), prefix) if manifest and manifest.is_file() else ()
    return Build(pages=pages, routes=routes)


def served_build() -> Build:
    """The build `reflex run --env prod` serves."""
    from reflex.config import get_config

    from jtbd_app.api.content_policy import frontend_build_dir

    return read_build(frontend_build_dir(), get_config().prepend_frontend_path("/"))


def with_preloads(page: bytes, scripts: tuple[str, ...]) -> bytes:
    """The page with a modulepreload for each of `scripts` it does not name yet, before its first script."""
    named = {match.decode() for match in _PRELOADED.findall(page)}
    links = "".join(f'<link rel="modulepreload" href="{html.escape(src)}"/>' for src in scripts if src not in named)
    first_script = _FIRST_SCRIPT.search(page)
    head_end = page.find(b"</head>")
    at = first_script.start() if first_script and (head_end < 0 or first_script.start() < head_end) else head_end
    return page if not links or at < 0 else page[:at] + links.encode() + page[at:]


def page_files(
    build: Callable[[], Build] = served_build, fills: Mapping[str, Fill] | None = None
) -> Callable[[ASGIApp], ASGIApp]:
    """A transformer for the backend: `build` tells what the served build holds (read once, on first use); `fills`
    the regions to fill in, by a pattern of the page's path (the frontend path's prefix included) that the whole path
    matches."""
    patterns = [(re.compile(pattern), fill) for pattern, fill in (fills or {}).items()]

    def fill_for(path: str) -> Fill | None:
        return next((fill for pattern, fill in patterns if pattern.fullmatch(path)), None)

    def transform(app: ASGIApp) -> ASGIApp:
        built = functools.cache(build)

        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
                await app(scope, receive, send)
                return
            path = scope.get("path", "")
            query = scope.get("query_string", b"").decode("latin-1")
            page_file = built().page_file(path)
            if page_file is not None:
                file_scope = {**scope, "path": page_file, "raw_path": page_file.encode()}
                fill = fill_for(path)
                if fill is None:
                    await app(file_scope, receive, send)
                    return

                async def fill_in(page: bytes) -> bytes:
                    return await _filled_in(page, fill, path, query)

                await rewritten(app, file_scope, receive, send, fill_in)
                return
            scripts = built().scripts_for(path)
            if not scripts:  # a script, a style, an image, the API: untouched
                await app(scope, receive, send)
                return
            route_fill = fill_for(path)

            async def preloaded(page: bytes) -> bytes:
                page = with_preloads(page, scripts)
                return page if route_fill is None else await _filled_in(page, route_fill, path, query)

            await rewritten(app, scope, receive, send, preloaded)

        return wrapped

    return transform


async def _filled_in(page: bytes, fill: Fill, path: str, query: str) -> bytes:
    try:
        inner_html = await anyio.to_thread.run_sync(fill.build, path, query)
    except Exception:  # the page still works as built: its load fills the region in
        log.exception("Could not fill in #%s; the page goes out as built", fill.region_id)
        return page
    if inner_html is None:  # nothing this request may see before its page has loaded
        return page
    result = filled(page, fill, inner_html)
    if result is None:
        log.warning("The built page has no placeholder #%s as expected; it goes out as built", fill.region_id)
    return page if result is None else result
