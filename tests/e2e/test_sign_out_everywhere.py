""" "Sign out of all devices" ends the member's sessions in every browser, not just this one."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import sign_in

DEMO_PASSWORD = "demo-password"


def _expect_signed_out(page: Page) -> None:
    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in", exact=True)).to_be_visible()


def test_sign_out_of_all_devices_from_the_dashboard_signs_out_the_other_browser(
    app_server: AppServer, page: Page, other_page: Page
) -> None:
    sign_in(page, app_server.url, "dev", DEMO_PASSWORD)
    sign_in(other_page, app_server.url, "dev@example.com", DEMO_PASSWORD)

    page.get_by_role("button", name="Sign out of all devices").click()
    _expect_signed_out(page)

    other_page.reload()
    _expect_signed_out(other_page)


def test_sign_out_of_all_devices_from_the_profile_menu_signs_out_the_other_browser(
    app_server: AppServer, page: Page, other_page: Page
) -> None:
    sign_in(page, app_server.url, "grace", DEMO_PASSWORD)
    sign_in(other_page, app_server.url, "grace", DEMO_PASSWORD)
    page.goto(f"{app_server.url}/u/grace")
    expect(page.get_by_role("heading", name="Grace Okafor")).to_be_visible()

    page.get_by_role("button", name="Profile menu").click()
    page.get_by_role("menuitem", name="Sign out of all devices").click()
    _expect_signed_out(page)

    other_page.reload()
    _expect_signed_out(other_page)
