"""Any OpenID Connect provider (Google included): Authlib's code flow with PKCE, id_token checked with joserfc."""

from __future__ import annotations

import time
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError
from joserfc.jwk import KeySet

from jtbd_app.adapters.oauth_client import AsyncOAuth2Client
from jtbd_app.adapters.oauth_errors import TIMEOUT, json_object, provider_errors
from jtbd_app.domain.errors import ExternalSignInFailed
from jtbd_app.services.ports import ExternalIdentity

DISCOVERY_TTL_SECONDS = 3600
CLOCK_LEEWAY_SECONDS = 60
# Asymmetric algorithms only: never "none", never HMAC keyed with the client secret.
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class OIDCIdentityProvider:
    """Discovery and keys are fetched on first use and cached; a key rotation triggers one JWKS refresh."""

    def __init__(
        self,
        *,
        slug: str,
        issuer: str,
        client_id: str,
        client_secret: str,
        scope: str = "openid email profile",
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        self.slug = slug
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.timeout = timeout
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None

    async def authorization_url(self, *, state: str, nonce: str, code_verifier: str, redirect_uri: str) -> str:
        metadata = await self._discover()
        with provider_errors(self.slug, "authorization request"):
            async with self._client(metadata, redirect_uri) as client:
                url, _ = client.create_authorization_url(
                    metadata["authorization_endpoint"], state=state, code_verifier=code_verifier, nonce=nonce
                )
        return str(url)

    async def complete(self, *, code: str, code_verifier: str, nonce: str, redirect_uri: str) -> ExternalIdentity:
        metadata = await self._discover()
        async with self._client(metadata, redirect_uri) as client:
            with provider_errors(self.slug, "token exchange"):
                token = await client.fetch_token(
                    metadata["token_endpoint"], grant_type="authorization_code", code=code, code_verifier=code_verifier
                )
            id_token = token.get("id_token")
            if not isinstance(id_token, str) or not id_token:
                raise ExternalSignInFailed(f"{self.slug}: the token response has no id_token")
            with provider_errors(self.slug, "id_token check"):
                claims = await self._verified_claims(id_token, nonce=nonce, issuer=metadata["issuer"])
            if not claims.get("email") and metadata.get("userinfo_endpoint"):
                with provider_errors(self.slug, "userinfo"):
                    info = await self._userinfo(client, metadata["userinfo_endpoint"], claims["sub"])
                    claims = {**claims, **{k: v for k, v in info.items() if not claims.get(k)}}
        return ExternalIdentity(
            provider=self.slug,
            subject=str(claims["sub"]),
            email=_text(claims.get("email")),
            email_verified=str(claims.get("email_verified")).lower() == "true",  # a few providers send "true"
            name=_text(claims.get("name")),
            preferred_username=_text(claims.get("preferred_username")),
        )

    def _client(self, metadata: dict[str, Any], redirect_uri: str) -> AsyncOAuth2Client:
        methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        auth_method = "client_secret_post" if "client_secret_basic" not in methods else "client_secret_basic"
        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_endpoint_auth_method=auth_method,
            scope=self.scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=self.timeout,
        )

    async def _discover(self) -> dict[str, Any]:
        """The provider's discovery document; its issuer must be the one configured."""
        if self._metadata is not None and time.monotonic() - self._metadata_at < DISCOVERY_TTL_SECONDS:
            return self._metadata
        with provider_errors(self.slug, "discovery"):
            async with httpx.AsyncClient(timeout=self.timeout) as http:
                metadata = json_object(await http.get(f"{self.issuer}/.well-known/openid-configuration"))
            if str(metadata.get("issuer", "")).rstrip("/") != self.issuer:
                raise ExternalSignInFailed(f"{self.slug}: discovery names issuer {metadata.get('issuer')!r}")
            for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(metadata.get(key), str):
                    raise ExternalSignInFailed(f"{self.slug}: discovery lacks {key}")
        self._metadata, self._metadata_at, self._keys = metadata, time.monotonic(), None
        return metadata

    async def _key_set(self, *, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            assert self._metadata is not None
            async with httpx.AsyncClient(timeout=self.timeout) as http:
                data = json_object(await http.get(self._metadata["jwks_uri"]))
            self._keys = KeySet.import_key_set(data)  # type: ignore[arg-type]
        return self._keys

    async def _verified_claims(self, id_token: str, *, nonce: str, issuer: str) -> dict[str, Any]:
        """Signature by the provider's key, then iss, aud, exp, iat, sub and our nonce."""
        try:
            token = jwt.decode(id_token, await self._key_set(), algorithms=ID_TOKEN_ALGORITHMS)
        except InvalidKeyIdError:
            token = jwt.decode(id_token, await self._key_set(refresh=True), algorithms=ID_TOKEN_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": self.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
        audience = token.claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and token.claims.get("azp") != self.client_id:
            raise ExternalSignInFailed(f"{self.slug}: id_token for several audiences without our azp")
        return dict(token.claims)

    async def _userinfo(self, client: AsyncOAuth2Client, url: str, subject: str) -> dict[str, Any]:
        """Claims the id_token left out (some providers send email only here); same subject required."""
        info = json_object(await client.get(url))
        if info.get("sub") != subject:
            raise ExternalSignInFailed(f"{self.slug}: userinfo is about another subject")
        return {k: info[k] for k in ("email", "email_verified", "name", "preferred_username") if k in info}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
