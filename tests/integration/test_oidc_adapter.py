"""The real OIDC and GitHub adapters against the local provider: tokens checked, every failure refused cleanly."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from jtbd_app.adapters.identity_github import GitHubIdentityProvider
from jtbd_app.adapters.identity_oidc import OIDCIdentityProvider
from jtbd_app.domain.errors import ExternalSignInFailed
from tests.support.app_server import free_port
from tests.support.oidc_provider import LocalIdentity, LocalOIDCProvider, click_through

REDIRECT_URI = "http://localhost:3999/api/auth/oidc/oidc/callback"


@pytest.fixture
def provider(sso: LocalOIDCProvider) -> LocalOIDCProvider:
    sso.reset()
    return sso


def adapter_for(provider: LocalOIDCProvider, **kwargs: object) -> OIDCIdentityProvider:
    return OIDCIdentityProvider(
        slug="oidc",
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        **kwargs,  # type: ignore[arg-type]
    )


async def sign_in_through(adapter: OIDCIdentityProvider | GitHubIdentityProvider, *, nonce: str = "the-nonce"):
    """Begin, let the person approve on the provider's page, and complete with what came back."""
    state, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(48)
    url = await adapter.authorization_url(state=state, nonce=nonce, code_verifier=verifier, redirect_uri=REDIRECT_URI)
    callback = parse_qs(urlparse(click_through(url)).query)
    assert callback["state"] == [state]
    return await adapter.complete(
        code=callback["code"][0], code_verifier=verifier, nonce=nonce, redirect_uri=REDIRECT_URI
    )


async def test_a_valid_login_yields_the_identity_from_the_id_token(provider: LocalOIDCProvider) -> None:
    provider.identity = LocalIdentity(
        sub="abc-123", email="Ada@Example.com", name="Ada Lovelace", preferred_username="ada"
    )

    identity = await sign_in_through(adapter_for(provider))

    assert (identity.provider, identity.subject, identity.email) == ("oidc", "abc-123", "Ada@Example.com")
    assert identity.email_verified and identity.name == "Ada Lovelace" and identity.preferred_username == "ada"
    asked = provider.authorize_requests[-1]
    assert asked["code_challenge_method"] == "S256" and asked["nonce"] == "the-nonce"
    assert set(asked["scope"].split()) == {"openid", "email", "profile"}


async def test_email_missing_from_the_id_token_is_read_from_userinfo(provider: LocalOIDCProvider) -> None:
    provider.email_in_id_token = False

    identity = await sign_in_through(adapter_for(provider))

    assert identity.email == provider.identity.email and identity.email_verified


@pytest.mark.parametrize(
    ("tamper", "because"),
    [
        ("wrong_nonce", "Invalid claim: 'nonce'"),
        ("bad_signature", "bad_signature"),
        ("wrong_audience", "Invalid claim: 'aud'"),
        ("wrong_issuer", "Invalid claim: 'iss'"),
        ("expired", "expired_token"),
    ],
)
async def test_a_tampered_id_token_is_refused(provider: LocalOIDCProvider, tamper: str, because: str) -> None:
    provider.tamper = tamper  # type: ignore[assignment]

    with pytest.raises(ExternalSignInFailed) as refused:
        await sign_in_through(adapter_for(provider))

    assert "id_token check" in refused.value.reason and because in refused.value.reason
    assert refused.value.message == "Sign-in with that provider failed. Please try again."


async def test_a_rotated_signing_key_is_fetched_again(provider: LocalOIDCProvider) -> None:
    adapter = adapter_for(provider)
    await sign_in_through(adapter)
    provider.rotate_key()

    identity = await sign_in_through(adapter)

    assert identity.subject == provider.identity.sub


async def test_a_wrong_pkce_verifier_is_refused_by_the_provider(provider: LocalOIDCProvider) -> None:
    adapter = adapter_for(provider)
    url = await adapter.authorization_url(state="s", nonce="n", code_verifier="v" * 50, redirect_uri=REDIRECT_URI)
    code = parse_qs(urlparse(click_through(url)).query)["code"][0]

    with pytest.raises(ExternalSignInFailed) as refused:
        await adapter.complete(code=code, code_verifier="w" * 50, nonce="n", redirect_uri=REDIRECT_URI)

    assert "invalid_grant" in refused.value.reason


async def test_a_code_is_accepted_only_once(provider: LocalOIDCProvider) -> None:
    adapter = adapter_for(provider)
    url = await adapter.authorization_url(state="s", nonce="n", code_verifier="v" * 50, redirect_uri=REDIRECT_URI)
    code = parse_qs(urlparse(click_through(url)).query)["code"][0]
    await adapter.complete(code=code, code_verifier="v" * 50, nonce="n", redirect_uri=REDIRECT_URI)

    with pytest.raises(ExternalSignInFailed) as refused:
        await adapter.complete(code=code, code_verifier="v" * 50, nonce="n", redirect_uri=REDIRECT_URI)

    assert "invalid_grant" in refused.value.reason


async def test_a_wrong_client_secret_is_refused(provider: LocalOIDCProvider) -> None:
    adapter = OIDCIdentityProvider(
        slug="oidc", issuer=provider.issuer, client_id=provider.client_id, client_secret="not-the-secret-at-all"
    )

    with pytest.raises(ExternalSignInFailed) as refused:
        await sign_in_through(adapter)

    assert "invalid_client" in refused.value.reason


async def test_an_unreachable_issuer_gives_a_clean_error() -> None:
    adapter = OIDCIdentityProvider(
        slug="oidc", issuer=f"http://127.0.0.1:{free_port()}", client_id="c", client_secret="s" * 20
    )

    with pytest.raises(ExternalSignInFailed) as refused:
        await adapter.authorization_url(state="s", nonce="n", code_verifier="v" * 50, redirect_uri=REDIRECT_URI)

    assert "discovery failed: ConnectError" in refused.value.reason


async def test_a_slow_provider_times_out_with_a_clean_error(provider: LocalOIDCProvider) -> None:
    provider.delay_seconds = 1.0
    adapter = adapter_for(provider, timeout=httpx.Timeout(0.3))

    with pytest.raises(ExternalSignInFailed) as refused:
        await adapter.authorization_url(state="s", nonce="n", code_verifier="v" * 50, redirect_uri=REDIRECT_URI)

    assert "discovery timed out" in refused.value.reason


async def test_a_discovery_document_for_another_issuer_is_refused(provider: LocalOIDCProvider) -> None:
    adapter = OIDCIdentityProvider(
        slug="oidc", issuer=provider.issuer + "/other", client_id="c", client_secret="s" * 20
    )

    with pytest.raises(ExternalSignInFailed) as refused:
        await adapter.authorization_url(state="s", nonce="n", code_verifier="v" * 50, redirect_uri=REDIRECT_URI)

    assert "discovery" in refused.value.reason


def github_adapter(provider: LocalOIDCProvider) -> GitHubIdentityProvider:
    """The GitHub adapter pointed at the local server's GitHub-style endpoints."""
    return GitHubIdentityProvider(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        web_url=provider.issuer,
        api_url=f"{provider.issuer}/api",
    )


async def test_github_adapter_reads_the_user_and_the_verified_primary_email(provider: LocalOIDCProvider) -> None:
    provider.identity = LocalIdentity(
        numeric_id=77, email="octo@example.com", name="Octo Cat", preferred_username="octocat"
    )
    adapter = github_adapter(provider)

    identity = await sign_in_through(adapter)

    assert (identity.provider, identity.subject, identity.email, identity.email_verified) == (
        "github",
        "77",
        "octo@example.com",
        True,
    )
    assert identity.preferred_username == "octocat" and identity.name == "Octo Cat"


async def test_github_adapter_gives_no_email_when_none_is_verified(provider: LocalOIDCProvider) -> None:
    provider.identity = LocalIdentity(email="unproven@example.com", email_verified=False)
    adapter = github_adapter(provider)

    identity = await sign_in_through(adapter)

    assert identity.email == "" and not identity.email_verified
