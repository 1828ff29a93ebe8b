"""Fixtures for the local stand-ins of outside services, one per test module, for every tier (tests/conftest.py
loads this module as a plugin): a fake Stripe and an OpenID provider. Tests that need either empty `reset()` it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.localstripe_server import LocalStripe, run_localstripe
from tests.support.oidc_provider import LocalOIDCProvider


@pytest.fixture(scope="module")
def stripe_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStripe]:
    """localstripe (with the Connect parts it lacks) in its own process, its store in a private folder."""
    with run_localstripe(tmp_path_factory.mktemp("localstripe")) as server:
        yield server


@pytest.fixture(scope="module")
def sso() -> Iterator[LocalOIDCProvider]:
    """A local OpenID Connect provider."""
    with LocalOIDCProvider() as provider:
        yield provider
