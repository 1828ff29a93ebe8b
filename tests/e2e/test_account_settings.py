"""A member reviews where they are signed in, signs one device out, and changes their password."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import FIRST_GREETING, SignUpForm, fill_sign_up, sign_in, unique_username


def _sign_up(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/signup")
    fill_sign_up(page, SignUpForm(f"{username}@example.com", username, "Settings Tester", password))
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name=FIRST_GREETING)).to_be_visible()


def test_a_member_signs_out_another_device_from_settings(app_server: AppServer, page: Page, other_page: Page) -> None:
    username = unique_username("sess")
    _sign_up(page, app_server.url, username, "first-password-1")
    sign_in(other_page, app_server.url, username, "first-password-1")

    page.get_by_role("button", name="Profile menu").click()
    page.get_by_role("menuitem", name="Account settings").click()
    sessions = page.get_by_role("region", name="Open sessions")
    expect(sessions.get_by_role("row")).to_have_count(3)  # header + two sessions
    expect(sessions.get_by_text("this browser")).to_have_count(1)
    sessions.get_by_role("button", name="Sign out the session of").click()
    expect(page.get_by_role("status")).to_contain_text("That session is signed out.")
    expect(sessions.get_by_role("row")).to_have_count(2)

    other_page.reload()
    expect(other_page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()


def test_a_member_changes_their_password_and_other_sessions_end(
    app_server: AppServer, page: Page, other_page: Page
) -> None:
    username = unique_username("pw")
    _sign_up(page, app_server.url, username, "first-password-1")
    sign_in(other_page, app_server.url, username, "first-password-1")
    page.goto(f"{app_server.url}/settings")

    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password").fill("short")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your current password is not correct.")).to_be_visible()
    expect(page.get_by_text("Use at least 10 characters.")).to_be_visible()

    page.get_by_label("Current password").fill("first-password-1")
    page.get_by_label("New password").fill("second-password-2")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_contain_text("Password changed. 1 other session(s) signed out.")
    expect(page.get_by_label("New password")).to_have_value("")

    other_page.reload()
    expect(other_page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()
    other_page.goto(f"{app_server.url}/login")
    other_page.get_by_label("Email or username").fill(username)
    other_page.get_by_label("Password").fill("first-password-1")
    other_page.get_by_role("button", name="Sign in", exact=True).click()
    expect(other_page.get_by_role("alert")).to_contain_text("do not match")
    sign_in(other_page, app_server.url, username, "second-password-2")


def test_settings_ask_a_visitor_to_sign_in(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/settings")
    expect(page.get_by_role("alert")).to_contain_text("Please sign in to continue.")
    expect(page.get_by_role("region", name="Open sessions")).to_have_count(0)
