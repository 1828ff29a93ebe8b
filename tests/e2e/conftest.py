"""One production build of the app per test session, its own SQLite database, driven by Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.app_server import AppServer
from tests.support.browser import launch
from tests.support.database import use_database


@pytest.fixture
def app_database(app_server: AppServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point this process's `session_scope` at the running app's database, to arrange rows and check them."""
    with use_database(monkeypatch, app_server.database_env()):
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def _new_page(browser: Browser, **context_options: object) -> Iterator[Page]:
    context = browser.new_context(**context_options)  # type: ignore[arg-type]
    context.set_default_timeout(20_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _new_page(browser)


@pytest.fixture
def other_page(browser: Browser) -> Iterator[Page]:
    """A second browser context: another device with its own cookies."""
    yield from _new_page(browser)


@pytest.fixture
def mobile_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized viewport (375x800)."""
    yield from _new_page(browser, viewport={"width": 375, "height": 800})
