"""/admin is for administrators only: others get a clear refusal and no admin data."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import sign_in


def _expect_no_admin_data(page: Page) -> None:
    expect(page.get_by_role("heading", name="Administration")).to_have_count(0)
    expect(page.get_by_text("Members", exact=True)).to_have_count(0)
    expect(page.get_by_text("Newest members")).to_have_count(0)


def _admin_nav_link(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin", exact=True)


def test_visitor_is_refused_the_admin_home_and_sees_no_admin_data(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/admin")

    expect(page.get_by_role("alert")).to_contain_text("Please sign in")
    _expect_no_admin_data(page)


def test_member_is_refused_the_admin_home_and_has_no_admin_link(app_server: AppServer, page: Page) -> None:
    sign_in(page, app_server.url, "farid", "demo-password")
    expect(_admin_nav_link(page)).to_have_count(0)

    page.goto(f"{app_server.url}/admin")

    expect(page.get_by_role("alert")).to_contain_text("This page is for administrators only.")
    _expect_no_admin_data(page)
    expect(_admin_nav_link(page)).to_have_count(0)


def test_admin_follows_the_admin_link_to_the_admin_home_with_member_counts(app_server: AppServer, page: Page) -> None:
    sign_in(page, app_server.url, "admin@example.com", "admin-demo-password")

    _admin_nav_link(page).click()

    expect(page).to_have_url(f"{app_server.url}/admin")
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    members = page.get_by_text("Members", exact=True).locator("..")
    expect(members).to_have_text(re.compile(r"^Members\s*\d+$"))
    members_count = int(members.inner_text().split()[-1])
    assert members_count >= 14  # the seeded admin, twelve demo members and the suspended one
    expect(page.get_by_role("table").filter(has_text="Username")).to_be_visible()
