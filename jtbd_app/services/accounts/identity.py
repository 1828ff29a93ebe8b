"""Which external sign-in providers are configured (generic OIDC, Google, GitHub)."""

from __future__ import annotations

from dataclasses import dataclass

from jtbd_app.config import Settings


@dataclass(frozen=True)
class ProviderConfig:
    slug: str
    label: str
    kind: str  # "oidc" (discovery + id_token) or "github" (OAuth 2 + user API)
    client_id: str
    client_secret: str
    issuer: str = ""


def configured_providers(settings: Settings) -> list[ProviderConfig]:
    providers: list[ProviderConfig] = []
    if settings.oidc_issuer and settings.oidc_client_id:
        providers.append(
            ProviderConfig(
                "oidc",
                settings.oidc_label,
                "oidc",
                settings.oidc_client_id,
                settings.oidc_client_secret,
                settings.oidc_issuer.rstrip("/"),
            )
        )
    if settings.google_client_id:
        providers.append(
            ProviderConfig(
                "google",
                "Google",
                "oidc",
                settings.google_client_id,
                settings.google_client_secret,
                "https://accounts.google.com",
            )
        )
    if settings.github_client_id:
        providers.append(
            ProviderConfig("github", "GitHub", "github", settings.github_client_id, settings.github_client_secret)
        )
    return providers


def provider_by_slug(settings: Settings, slug: str) -> ProviderConfig | None:
    return next((p for p in configured_providers(settings) if p.slug == slug), None)
