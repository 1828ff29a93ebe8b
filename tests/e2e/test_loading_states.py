"""Pages say they are loading until the server's data arrives over the websocket."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.support.app_server import AppServer

PAGES = [
    ("/", "Loading"),
    ("/u/alice", "Loading profile"),
    ("/terms", "Loading the terms"),
    ("/admin", "Checking your access"),
    ("/providers", "Finding providers"),
]


def _hold(ws: WebSocketRoute) -> None:
    """Accept the websocket but never reach the server: the data never arrives."""


@pytest.mark.parametrize(("path", "status"), PAGES, ids=[p for p, _ in PAGES])
def test_page_shows_a_loading_status_until_its_data_arrives(
    app_server: AppServer, page: Page, path: str, status: str
) -> None:
    page.route_web_socket(re.compile(r"/_event"), _hold)

    page.goto(f"{app_server.url}{path}")

    expect(page.get_by_role("status").filter(has_text=status)).to_be_visible()
