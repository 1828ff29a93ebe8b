"""Colour mode, the phone-sized navigation and dashboard, and a header that never pushes the page sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from jtbd_app.db import session_scope
from jtbd_app.services.messaging import notifications
from tests.support.app_server import AppServer
from tests.support.browser import scrolls_sideways, wider_than_the_screen
from tests.support.contract_journey import contract_in, new_member, sign_in_as


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


def _one_line(page: Page, link_name: str) -> bool:
    """Whether the visible link of that name in the header is a single line of text."""
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=link_name).filter(visible=True)
    return bool(
        link.evaluate("el => el.getBoundingClientRect().height < 1.5 * parseFloat(getComputedStyle(el).lineHeight)")
    )


def _column_label(cell: Locator) -> str:
    """The column name a phone-sized table shows before a cell (its ::before content), or "none"."""
    return str(cell.evaluate("el => getComputedStyle(el, '::before').content"))


def test_on_a_phone_the_dashboard_shows_every_column_and_the_header_keeps_the_logo_on_one_line(
    app_server: AppServer, app_database: None, mobile_page: Page
) -> None:
    page = mobile_page
    client, contractor = new_member("cora", "Cora Client"), new_member("dana", "Dana Designer")
    contract_in("funded", client, contractor, price="140")
    sign_in_as(page, app_server.url, client)

    listings = page.get_by_role("table", name="My listings")
    contracts = page.get_by_role("table", name="Contracts")
    expect(contracts.get_by_role("link", name=re.compile("^Open contract"))).to_be_visible()
    deadline = listings.get_by_role("cell").nth(3)  # Status, Bids, Budget, Deadline after the row's header
    state = contracts.get_by_role("cell").nth(3)  # Role, With, Amount, State
    for cell, column in ((deadline, "Deadline"), (state, "State")):
        cell.scroll_into_view_if_needed()
        expect(cell).to_be_in_viewport(ratio=1)  # whole: not cut off at the right edge
        assert _column_label(cell) == f'"{column}"'
    expect(state).to_have_text("funded")
    assert wider_than_the_screen(page) == []
    assert wider_than_the_screen(page, "nav") == []
    assert not scrolls_sideways(page)
    assert _one_line(page, "JTBD Marketplace")

    page.get_by_role("button", name="Open navigation").click()
    page.get_by_role("menuitem", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()


def test_on_a_laptop_the_bell_and_a_long_name_do_not_push_a_placeholder_page_sideways(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    member = new_member("long", "Maximiliana Featherstonehaugh-Wolfeschlegelsteinhausen")
    assert member.user.id is not None
    with session_scope() as session:
        for n in range(12):
            notifications.notify(
                session, user_id=member.user.id, kind="message", title=f"Note {n}", body="Hi.", link="/"
            )
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in_as(page, app_server.url, member)

    page.goto(f"{app_server.url}/no-such-page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications, 12 unread").filter(visible=True)).to_be_visible()
    assert wider_than_the_screen(page, "nav") == []
    assert not scrolls_sideways(page)
    assert _one_line(page, "JTBD Marketplace")
