"""A visitor signs up, signs out, fails and then succeeds to sign in."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import sign_in


def test_visitor_signs_up_signs_out_and_signs_in_again(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/signup")
    expect(page.get_by_label("I have read and accept")).to_be_visible()
    expect(page.get_by_text("(version 1)")).to_be_visible()
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Display name").fill("New Comer")
    page.get_by_label("Password").fill("a-long-enough-password")
    page.get_by_label("I have read and accept").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Welcome, New Comer")).to_be_visible()  # a first visit

    page.get_by_role("button", name="Sign out", exact=True).first.click()
    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()

    page.goto(f"{app_server.url}/login")
    page.get_by_label("Email or username").fill("newcomer")
    page.get_by_label("Password").fill("the-wrong-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")

    sign_in(page, app_server.url, "newcomer@example.com", "a-long-enough-password")
    expect(page.get_by_role("heading", name="Welcome back, New Comer")).to_be_visible()
