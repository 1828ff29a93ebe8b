"""GitHub sign-in: plain OAuth 2 (no id_token), the person from the user API and their verified primary email."""

from __future__ import annotations

from typing import Any

import httpx

from jtbd_app.adapters.oauth_client import AsyncOAuth2Client
from jtbd_app.adapters.oauth_errors import TIMEOUT, json_object, provider_errors
from jtbd_app.domain.errors import ExternalSignInFailed
from jtbd_app.services.ports import ExternalIdentity

GITHUB_WEB = "https://github.com"
GITHUB_API = "https://api.github.com"


class GitHubIdentityProvider:
    """The base URLs are arguments so tests (or GitHub Enterprise) can point elsewhere; there is no nonce."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        slug: str = "github",
        web_url: str = GITHUB_WEB,
        api_url: str = GITHUB_API,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        self.slug = slug
        self.client_id = client_id
        self.client_secret = client_secret
        self.web_url = web_url.rstrip("/")
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout

    async def authorization_url(self, *, state: str, nonce: str, code_verifier: str, redirect_uri: str) -> str:
        with provider_errors(self.slug, "authorization request"):
            async with self._client(redirect_uri) as client:
                url, _ = client.create_authorization_url(
                    f"{self.web_url}/login/oauth/authorize", state=state, code_verifier=code_verifier
                )
        return str(url)

    async def complete(self, *, code: str, code_verifier: str, nonce: str, redirect_uri: str) -> ExternalIdentity:
        async with self._client(redirect_uri) as client:
            with provider_errors(self.slug, "token exchange"):
                await client.fetch_token(
                    f"{self.web_url}/login/oauth/access_token",
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                )
            with provider_errors(self.slug, "user API"):
                user = json_object(await client.get(f"{self.api_url}/user"))
                emails = (await client.get(f"{self.api_url}/user/emails")).raise_for_status().json()
        if not isinstance(user.get("id"), int):
            raise ExternalSignInFailed(f"{self.slug}: the user API gave no numeric id")
        email = _primary_verified_email(emails)
        return ExternalIdentity(
            provider=self.slug,
            subject=str(user["id"]),
            email=email,
            email_verified=bool(email),
            name=_text(user.get("name")),
            preferred_username=_text(user.get("login")),
        )

    def _client(self, redirect_uri: str) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_endpoint_auth_method="client_secret_post",
            scope="read:user user:email",
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=self.timeout,
            headers={"Accept": "application/json", "X-GitHub-Api-Version": "2022-11-28"},
        )


def _primary_verified_email(emails: Any) -> str:
    """Only an address GitHub verified, preferring the primary one; empty when there is none."""
    rows = [e for e in emails if isinstance(e, dict)] if isinstance(emails, list) else []
    verified = [e for e in rows if e.get("verified") is True and isinstance(e.get("email"), str)]
    verified.sort(key=lambda e: e.get("primary") is not True)
    return str(verified[0]["email"]) if verified else ""


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
