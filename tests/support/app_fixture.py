"""The `app_server` fixture: one production build of the app per test session, on its own SQLite database (a pytest
plugin of `tests/conftest.py`, used by the end-to-end and security tiers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.app_server import AppServer, start_app, stop_app


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    server = start_app(workdir=tmp_path_factory.mktemp("app"))
    yield server
    stop_app(server)
