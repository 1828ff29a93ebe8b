"""What a visitor sees before signing in: the landing page, the navigation, the terms, the 404 page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer

NAV_TARGETS = [  # each a real page now, covered by its own e2e file
    ("Marketplace", "/marketplace"),  # tests/e2e/test_marketplace_search.py
    ("Tasks", "/tasks"),  # tests/e2e/test_tasks.py
    ("Problems", "/problems"),  # tests/e2e/test_problem_plan.py
    ("Providers", "/providers"),  # tests/e2e/test_providers.py
]


def test_landing_page_explains_the_product_to_a_visitor(app_server: AppServer, page: Page) -> None:
    page.goto(app_server.url)

    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()
    expect(page.get_by_text("turns a problem into a plan of small, checkable tasks")).to_be_visible()
    for step in ("Describe the outcome", "Get a plan", "Matched doers", "Pay for results"):
        expect(page.get_by_role("heading", name=step)).to_be_visible()


def test_navigation_offers_the_sections_and_sign_in_and_sign_up_to_a_visitor(app_server: AppServer, page: Page) -> None:
    page.goto(app_server.url)

    nav = page.get_by_role("navigation", name="Main")
    for label, href in NAV_TARGETS:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute("href", href)
    expect(nav.get_by_role("link", name="Sign in", exact=True)).to_have_attribute("href", "/login")
    expect(nav.get_by_role("link", name="Sign up", exact=True)).to_have_attribute("href", "/signup")


def test_terms_page_shows_the_current_version_from_the_database(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/terms")

    expect(page.get_by_role("heading", name="JTBD Marketplace terms of service")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Version 1, published \d{4}-\d{2}-\d{2}$"))).to_be_visible()


def test_footer_links_to_the_terms_of_service(app_server: AppServer, page: Page) -> None:
    page.goto(app_server.url)

    page.get_by_role("contentinfo").get_by_role("link", name="Terms of service").click()

    expect(page).to_have_url(f"{app_server.url}/terms")
    expect(page.get_by_text(re.compile(r"^Version 1, published"))).to_be_visible()


def test_unknown_address_shows_the_page_not_found_page(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/no-such-page/anywhere")

    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="Go to the home page")).to_have_attribute("href", "/")
