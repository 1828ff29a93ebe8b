"""The small protocols services need from outside systems; adapters implement them, fakes stand in for tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ExternalIdentity:
    """Who an outside provider says signed in, in our words (never an SDK object)."""

    provider: str
    subject: str
    email: str = ""
    email_verified: bool = False
    name: str = ""
    preferred_username: str = ""


class IdentityProvider(Protocol):
    """An OpenID Connect or OAuth 2 provider that signs a person in with the authorization-code flow.

    Both methods raise `ExternalSignInFailed` for every failure (refusal, bad token, network).
    """

    async def authorization_url(self, *, state: str, nonce: str, code_verifier: str, redirect_uri: str) -> str:
        """Where to send the browser to sign in; PKCE S256 from the verifier, nonce bound into the id_token."""
        ...

    async def complete(self, *, code: str, code_verifier: str, nonce: str, redirect_uri: str) -> ExternalIdentity:
        """Trade the code for tokens, check them, and say who signed in."""
        ...


class MailError(Exception):
    """A mail could not be handed to the server; `permanent` when retrying cannot help (address refused)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Mailer(Protocol):
    """Hands one plain-text mail to an outside mail server; raises `MailError` for every failure."""

    def send(self, to: str, subject: str, body: str) -> None: ...
