"""Random bearer tokens; only their keyed hash is stored, so a copy of the database opens no session."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from jtbd_app.config import get_settings


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    key = get_settings().resolved_secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def session_key(cookie_token: str | None) -> str | None:
    """What the server keeps of a session cookie outside the browser (database, Reflex state): its keyed hash."""
    if not cookie_token or len(cookie_token) > 200:
        return None
    return token_hash(cookie_token)
