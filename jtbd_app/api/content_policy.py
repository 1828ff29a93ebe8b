"""The Content-Security-Policy: scripts only from this origin, plus the exact inline scripts of the production build.

React Router's prerendered pages carry a few inline scripts (hydration data, scroll restoration, the module
loader); their sha256 hashes are read from the built HTML files, so any other inline script is refused.
'unsafe-eval' stays: Reflex runs `rx.call_script` code (our sign-in redirect, for one) through `eval` in
`state.js`. Code for `eval` only ever comes from the server's own event handlers, never from page content.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from jtbd_app import bootstrap
from jtbd_app.config import Settings

INLINE_SCRIPT = re.compile(rb"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
STRIPE_FRAMES = ("https://js.stripe.com", "https://hooks.stripe.com")
STRIPE_API = "https://api.stripe.com"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def script_hashes_in(html: bytes) -> set[str]:
    """The CSP source expressions ('sha256-...') of the inline scripts of one HTML page."""
    found = set()
    for match in INLINE_SCRIPT.finditer(html):
        if re.search(rb"\bsrc\s*=", match.group("attrs"), re.IGNORECASE):
            continue
        digest = base64.b64encode(hashlib.sha256(match.group("body")).digest()).decode()
        found.add(f"'sha256-{digest}'")
    return found


@lru_cache(maxsize=4)
def _hashes_of_build(static_dir: str, stamp: float) -> tuple[str, ...]:
    hashes: set[str] = set()
    for page in Path(static_dir).rglob("*.html"):
        hashes |= script_hashes_in(page.read_bytes())
    return tuple(sorted(hashes))


def build_script_hashes(static_dir: Path | None) -> tuple[str, ...]:
    """The hashes of every inline script in the built pages; read again whenever the build changes."""
    index = static_dir / "index.html" if static_dir else None
    if index is None or not index.is_file():
        return ()
    return _hashes_of_build(str(static_dir), index.stat().st_mtime)


def frontend_build_dir() -> Path:
    """Where `reflex run --env prod` serves the built pages from (the same path Reflex's frontend mount uses)."""
    from reflex import constants
    from reflex.config import get_config
    from reflex.utils.prerequisites import get_web_dir

    return (get_web_dir() / constants.Dirs.STATIC / get_config().frontend_path.strip("/")).resolve()


_POLICIES: dict[tuple[int, tuple[str, ...]], str] = {}


def for_the_build(settings: Settings, static_dir: Path) -> str:
    """The policy for the build as it is on disk now (asked per response: built once per settings and build)."""
    hashes = build_script_hashes(static_dir)
    key = (id(settings), hashes)
    if key not in _POLICIES:
        _POLICIES[key] = policy(settings, hashes)
    return _POLICIES[key]


def policy(settings: Settings, script_hashes: tuple[str, ...]) -> str:
    """The header's value for these settings (Stripe's hosts only when Stripe is configured)."""
    app = _origin(settings.app_url)
    sockets = [app.replace("http", "ws", 1)] if app else []
    scripts, frames, connects, images = ["'self'", *script_hashes, "'unsafe-eval'"], [], ["'self'", *sockets], []
    if settings.stripe_enabled:
        stripe_js = _origin(settings.stripe_js_url)
        scripts.append(stripe_js)
        frames += [stripe_js, *STRIPE_FRAMES]
        connects += [STRIPE_API, stripe_js, _origin(settings.stripe_api_base)]
        images.append("https://*.stripe.com")
    images += bootstrap.partner_image_origins(settings)  # the Delegate menu's product pictures
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": ["'self'", "'unsafe-inline'"],  # Radix and Emotion set styles inline
        "img-src": ["'self'", "data:", "blob:", *images],
        "font-src": ["'self'", "data:"],
        "connect-src": connects,
        "frame-src": frames or ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(dict.fromkeys(v for v in values if v))}" for name, values in directives.items())
