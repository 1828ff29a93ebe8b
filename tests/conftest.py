"""Shared by every tier. The tiers run as separate pytest invocations (see the Makefile): the unit tier
imports the app's state classes (one Reflex app per process) and the end-to-end tier keeps Playwright's
event loop running for the whole session, which the integration tier's asyncio tests cannot share."""

from __future__ import annotations

import pytest

from jtbd_app import bootstrap

# Fixtures for the local stand-ins of outside services and the running app, shared by the tiers.
pytest_plugins = ["tests.support.servers", "tests.support.app_fixture"]

TIERS = ("unit", "integration", "e2e", "security")


@pytest.fixture(autouse=True, scope="session")
def file_store_installed() -> None:
    """The services keep uploaded files where the settings say, as in the app (`bootstrap.install_file_store`)."""
    bootstrap.install_file_store()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tiers = {part for item in items for part in item.path.parts if part in TIERS}
    if len(tiers) > 1:
        raise pytest.UsageError(
            f"Run one test tier per pytest invocation (found {', '.join(sorted(tiers))}): "
            "make test-unit, make test-integration, make test-e2e, make test-security, or make test for all of them."
        )
