"""Authlib's async OAuth 2 client, imported without its warning about httpx.

Authlib 1.9 warns on import (AuthlibDeprecationWarning, "The httpx module is deprecated; please use httpx2 instead.")
whenever its fork `httpx2` is not installed, and falls back to httpx. httpx is what the app pins and uses everywhere,
and httpx2 is not a package we take on for this, so that one message is silenced here, where Authlib's httpx
integration is imported, and nowhere else: any other deprecation from Authlib still shows.
"""

from __future__ import annotations

import warnings

from authlib.deprecate import AuthlibDeprecationWarning

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="The httpx module is deprecated", category=AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

__all__ = ["AsyncOAuth2Client"]
