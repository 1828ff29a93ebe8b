"""Reflex configuration, derived from the app settings (REDIS_URL, APP_URL).

Reflex gets no `db_url`: the app owns its engine (`jtbd_app/db.py`) and its Alembic migrations (`jtbd_app.cli
migrate`). Given one, `reflex run` compares the models with the database at every start and prints "Detected
database schema changes. Run reflex db makemigrations" for the tables only migrations create (full-text search),
which is wrong advice here; the database's health is in /healthz."""

import reflex as rx

from jtbd_app.config import get_settings

_settings = get_settings()


class RadixThemesPlugin(rx.plugins.RadixThemesPlugin):
    """Radix Themes without registering the whole package as a library for dynamic components: Reflex then imports
    its full namespace (every Radix component, 65 KB compressed) on every page, while no page renders a component
    that the server sends at run time. Its components still install and import as usual, tree-shaken per page."""

    def get_frontend_dependencies(self, **context: object) -> tuple[str, ...]:
        return ()


config = rx.Config(
    app_name="jtbd_app",
    redis_url=_settings.redis_url or None,
    cors_allowed_origins=_settings.allowed_origins,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium", appearance="inherit"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
    # Pages near the floor (issue 16, docs/PERFORMANCE.md): a library registered for dynamic components loads only
    # when one is evaluated (none is), not on every page; brotli beside gzip for browsers that accept it.
    frontend_lazy_bundled_libraries=True,
    frontend_compression_formats=["brotli", "gzip"],
)

# The client's address is resolved once, by the request guard, from TRUSTED_PROXIES (jtbd_app/domain/client_address):
# Reflex's own hop count would believe X-Forwarded-For after it, from any peer.
if config.trusted_proxy_hops:
    raise SystemExit(
        "REFLEX_TRUSTED_PROXY_HOPS must stay unset: list the reverse proxies in TRUSTED_PROXIES instead "
        "(addresses or CIDRs; their X-Forwarded-For is then read right to left)."
    )
