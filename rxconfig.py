"""Reflex configuration, derived from the app settings (DATABASE_URL, REDIS_URL, APP_URL)."""

import reflex as rx

from jtbd_app.config import get_settings

_settings = get_settings()

config = rx.Config(
    app_name="jtbd_app",
    db_url=_settings.resolved_database_url,
    redis_url=_settings.redis_url or None,
    cors_allowed_origins=_settings.allowed_origins,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium", appearance="inherit"))
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
