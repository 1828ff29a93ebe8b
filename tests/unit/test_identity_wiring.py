"""Which sign-in buttons exist, and which adapter serves each: only what the settings configure."""

from __future__ import annotations

from jtbd_app import bootstrap
from jtbd_app.adapters.identity_github import GitHubIdentityProvider
from jtbd_app.adapters.identity_oidc import OIDCIdentityProvider
from jtbd_app.config import Settings
from jtbd_app.services.accounts.identity import configured_providers


def settings(**env: str) -> Settings:
    """Only these values: the machine's own provider variables must not leak in."""
    blank = dict.fromkeys(("OIDC_ISSUER", "OIDC_CLIENT_ID", "GOOGLE_CLIENT_ID", "GITHUB_CLIENT_ID"), "")
    return Settings(_env_file=None, JTBD_ENV="development", **{**blank, **env})  # type: ignore[call-arg, arg-type]


def test_no_provider_is_offered_without_settings() -> None:
    assert configured_providers(settings()) == []


def test_the_generic_provider_needs_an_issuer_and_a_client_id() -> None:
    assert configured_providers(settings(OIDC_CLIENT_ID="c")) == []
    [only] = configured_providers(settings(OIDC_ISSUER="https://sso.example/", OIDC_CLIENT_ID="c", OIDC_LABEL="Acme"))

    adapter = bootstrap.identity_provider(only)

    assert (only.slug, only.label) == ("oidc", "Acme")
    assert isinstance(adapter, OIDCIdentityProvider) and adapter.issuer == "https://sso.example"


def test_google_is_the_oidc_adapter_on_googles_issuer() -> None:
    [google] = configured_providers(settings(GOOGLE_CLIENT_ID="g", GOOGLE_CLIENT_SECRET="gs"))

    adapter = bootstrap.identity_provider(google)

    assert (google.slug, google.label) == ("google", "Google")
    assert isinstance(adapter, OIDCIdentityProvider) and adapter.issuer == "https://accounts.google.com"
    assert (adapter.client_id, adapter.client_secret) == ("g", "gs")


def test_github_is_its_own_adapter_on_githubs_urls() -> None:
    [github] = configured_providers(settings(GITHUB_CLIENT_ID="h", GITHUB_CLIENT_SECRET="hs"))

    adapter = bootstrap.identity_provider(github)

    assert isinstance(adapter, GitHubIdentityProvider)
    assert (adapter.web_url, adapter.api_url) == ("https://github.com", "https://api.github.com")


def test_the_adapter_of_a_provider_is_kept_so_its_discovery_stays_cached() -> None:
    [google] = configured_providers(settings(GOOGLE_CLIENT_ID="g", GOOGLE_CLIENT_SECRET="gs"))

    assert bootstrap.identity_provider(google) is bootstrap.identity_provider(google)
