"""All wiring in one place: which adapter serves which port, chosen from settings."""

from __future__ import annotations

from functools import lru_cache

from jtbd_app.adapters.identity_github import GitHubIdentityProvider
from jtbd_app.adapters.identity_oidc import OIDCIdentityProvider
from jtbd_app.services.identity import ProviderConfig
from jtbd_app.services.ports import IdentityProvider


@lru_cache(maxsize=16)
def identity_provider(config: ProviderConfig) -> IdentityProvider:
    """One adapter per configured provider, kept so its discovery document and keys stay cached."""
    if config.kind == "github":
        return GitHubIdentityProvider(slug=config.slug, client_id=config.client_id, client_secret=config.client_secret)
    if config.kind == "oidc":
        return OIDCIdentityProvider(
            slug=config.slug, issuer=config.issuer, client_id=config.client_id, client_secret=config.client_secret
        )
    raise ValueError(f"Unknown identity provider kind {config.kind!r}")
