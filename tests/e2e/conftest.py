"""One production build of the app per test session, its own SQLite database, driven by Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.app_server import AppServer, start_app, stop_app
from tests.support.browser import launch


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    workdir: Path = tmp_path_factory.mktemp("app")
    server = start_app(workdir=workdir)
    yield server
    stop_app(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(20_000)
    pg = context.new_page()
    yield pg
    context.close()
