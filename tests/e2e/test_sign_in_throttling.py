"""Repeated wrong passwords slow down sign-in for the account (LOGIN_MAX_FAILURES defaults to 5)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import GREETING

MAX_FAILURES = 5
DEMO_PASSWORD = "demo-password"


def _try_sign_in(page: Page, identifier: str, password: str) -> None:
    page.get_by_label("Email or username").fill(identifier)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def _fail_repeatedly(page: Page, identifier: str) -> None:
    # Events from one browser run in order, so every failure is counted before the next attempt.
    for attempt in range(MAX_FAILURES):
        _try_sign_in(page, identifier, f"wrong-password-{attempt}")
        # The first answer may wait for the page's websocket on a loaded machine.
        expect(page.get_by_role("alert")).to_contain_text("do not match", timeout=20_000)


def test_after_five_wrong_passwords_even_the_right_password_is_refused_for_a_while(
    app_server: AppServer, page: Page
) -> None:
    page.goto(f"{app_server.url}/login")
    _fail_repeatedly(page, "kate")

    _try_sign_in(page, "kate", DEMO_PASSWORD)

    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts", timeout=20_000)
    expect(page.get_by_role("heading", name=GREETING)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/login/?$"))


def test_failures_under_the_username_also_slow_sign_in_by_email_for_the_same_account(
    app_server: AppServer, page: Page
) -> None:
    page.goto(f"{app_server.url}/login")
    _fail_repeatedly(page, "liam")

    _try_sign_in(page, "liam@example.com", DEMO_PASSWORD)

    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts", timeout=20_000)
    expect(page.get_by_role("heading", name=GREETING)).to_have_count(0)
