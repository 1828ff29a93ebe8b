"""Our OIDC adapter against panva's OpenID Certified oidc-provider (Node): code flow with PKCE, id_token, userinfo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from jtbd_app.adapters.identity_oidc import OIDCIdentityProvider
from jtbd_app.domain.errors import ExternalSignInFailed
from tests.support.panva_oidc_provider import PanvaAccount, PanvaProvider, sign_in_without_a_browser

REDIRECT_URI = "http://localhost:9/api/auth/oidc/oidc/callback"
ADA = PanvaAccount("ada@example.org", "ada-at-the-provider", "panva-ada", "Ada Lovelace", preferred_username="ada")


@pytest.fixture(scope="module")
def panva(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PanvaProvider]:
    log = tmp_path_factory.mktemp("panva") / "oidc-provider.log"
    with PanvaProvider(redirect_uri=REDIRECT_URI, accounts=[ADA], log_path=log) as provider:
        yield provider


def adapter(panva: PanvaProvider) -> OIDCIdentityProvider:
    return OIDCIdentityProvider(
        slug="oidc", issuer=panva.issuer, client_id=panva.client_id, client_secret=panva.client_secret
    )


async def code_for(panva: PanvaProvider, client: OIDCIdentityProvider, *, nonce: str, verifier: str) -> str:
    url = await client.authorization_url(state="s" * 32, nonce=nonce, code_verifier=verifier, redirect_uri=REDIRECT_URI)
    callback = sign_in_without_a_browser(url, email=ADA.email, password=ADA.password)
    assert callback.startswith(REDIRECT_URI)
    query = parse_qs(urlsplit(callback).query)
    assert query["state"] == ["s" * 32] and query["iss"] == [panva.issuer]
    return query["code"][0]


async def test_the_adapter_signs_in_through_the_certified_provider(panva: PanvaProvider) -> None:
    client = adapter(panva)
    code = await code_for(panva, client, nonce="n" * 32, verifier="v" * 64)

    identity = await client.complete(code=code, code_verifier="v" * 64, nonce="n" * 32, redirect_uri=REDIRECT_URI)

    assert (identity.provider, identity.subject, identity.email, identity.email_verified) == (
        "oidc",
        "panva-ada",
        "ada@example.org",
        True,
    )
    assert (identity.name, identity.preferred_username) == ("Ada Lovelace", "ada")


@pytest.mark.parametrize(("nonce", "verifier"), [("another-nonce-" * 3, "v" * 64), ("n" * 32, "w" * 64)])
async def test_a_wrong_nonce_or_pkce_verifier_is_refused(panva: PanvaProvider, nonce: str, verifier: str) -> None:
    client = adapter(panva)
    code = await code_for(panva, client, nonce="n" * 32, verifier="v" * 64)

    with pytest.raises(ExternalSignInFailed):
        await client.complete(code=code, code_verifier=verifier, nonce=nonce, redirect_uri=REDIRECT_URI)


def test_the_provider_is_stopped_with_its_fixture(tmp_path: Path) -> None:
    provider = PanvaProvider(redirect_uri=REDIRECT_URI, accounts=[ADA], log_path=tmp_path / "log").start()
    process = provider.process
    provider.stop()
    assert process is not None and process.poll() is not None
