"""Colour mode and the phone-sized navigation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer


def _theme(page: Page) -> str:
    classes = (page.locator("html").get_attribute("class") or "").split()
    return "dark" if "dark" in classes else "light"


def test_toggle_dark_mode_switches_the_colour_scheme(app_server: AppServer, page: Page) -> None:
    page.goto(app_server.url)
    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()
    before = _theme(page)
    after = "light" if before == "dark" else "dark"

    page.get_by_role("button", name="Toggle dark mode").click()

    expect(page.locator("html")).to_have_class(re.compile(rf"\b{after}\b"))
    expect(page.locator("html")).to_have_css("color-scheme", after)

    page.get_by_role("button", name="Toggle dark mode").click()

    expect(page.locator("html")).to_have_css("color-scheme", before)


@pytest.mark.parametrize("label", ["Marketplace", "Tasks", "Problems", "Providers", "Sign in", "Sign up"])
def test_on_a_phone_navigation_is_reached_through_the_menu_button(
    app_server: AppServer, mobile_page: Page, label: str
) -> None:
    page = mobile_page
    page.goto(app_server.url)
    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Tasks")).to_be_hidden()

    page.get_by_role("button", name="Open navigation").click()
    page.get_by_role("menuitem", name=label, exact=True).click()

    heading = {"Sign up": "Create your account", "Problems": "Your problems"}.get(label, label)
    expect(page.get_by_role("main").get_by_role("heading", name=heading, exact=True)).to_be_visible()


def test_on_a_phone_the_navigation_menu_works_from_the_keyboard(app_server: AppServer, mobile_page: Page) -> None:
    page = mobile_page
    page.goto(app_server.url)
    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()

    page.get_by_role("button", name="Open navigation").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("menuitem", name="Marketplace")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Tasks")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/tasks/?$"))
    expect(page.get_by_role("main").get_by_role("heading", name="Tasks", exact=True)).to_be_visible()
