"""Fixtures for the local stand-ins of outside services, one per test module, for every tier (tests/conftest.py
loads this module as a plugin): a fake Stripe, an OpenID provider and an OpenAI-compatible chat server. Tests that need either empty `reset()` it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.localstripe_server import LocalStripe, run_localstripe
from tests.support.oidc_provider import LocalOIDCProvider
from tests.support.openai_server import LocalOpenAI


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


@pytest.fixture(scope="module")
def openai_server_for_module() -> Iterator[LocalOpenAI]:
    with LocalOpenAI() as server:
        yield server


@pytest.fixture
def openai_server(openai_server_for_module: LocalOpenAI) -> LocalOpenAI:
    """A local OpenAI-compatible chat server with nothing queued, nothing received and nothing refused."""
    openai_server_for_module.reset()
    return openai_server_for_module
