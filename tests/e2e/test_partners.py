"""Outside partners in the browser: the partner tab of /providers filters by kind (the URL holds it); an admin edits a
partner's link template (a foreign host refused by the field), suspends it with a reason and reinstates it; the terms
say plainly that outside providers are independent."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.models import AuditEntry, Partner
from jtbd_app.services.delegate import partner_admin, partners
from jtbd_app.services.demo.seed import ADMIN_EMAIL, ADMIN_PASSWORD
from jtbd_app.services.viewer import viewer_for_email
from tests.support.app_server import AppServer
from tests.support.browser import expect_field_message, sign_in, unnamed_controls, wider_than_the_screen

LOCAL = {"TaskRabbit", "Thumbtack", "Angi"}
MANAGED = "thumbtack"


@pytest.fixture
def thumbtack_as_shipped(app_database: None) -> Iterator[None]:
    """Thumbtack registered, active and on its default links before the test and after it (other tests use the same
    app): whatever earlier tests did to it is undone through the admin use cases."""

    def restore() -> None:
        adapters = bootstrap.partners(get_settings())
        with session_scope() as s:
            admin = viewer_for_email(s, ADMIN_EMAIL)
            partners.register(s, adapters)
            row = s.get(Partner, MANAGED)
            assert row is not None
            if row.status == "suspended":
                partner_admin.reinstate(s, viewer=admin, key=MANAGED, reason="Test setup", adapters=adapters)
            if row.link_template or row.affiliate_params:
                partner_admin.update_links(
                    s, viewer=admin, key=MANAGED, link_template="", affiliate_params="", adapters=adapters
                )

    restore()
    yield
    restore()


def test_the_partner_tab_filters_by_kind_and_keeps_it_in_the_url(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/providers")
    expect(page.get_by_role("list", name="Providers")).to_be_visible()

    page.get_by_role("tab", name="Outside partners").click()

    expect(page).to_have_url(re.compile(r"/providers\?tab=partners$"))
    found = page.get_by_role("list", name="Outside partners")
    expect(found.get_by_role("listitem", name="Amazon")).to_be_visible()
    expect(page.get_by_text("not responsible for their work")).to_be_visible()
    filters = page.get_by_role("search", name="Filter outside partners")
    filters.get_by_label("Kind").select_option(label="Local pros")
    filters.get_by_role("button", name="Filter partners").click()

    expect(page).to_have_url(re.compile(r"/providers\?tab=partners&kind=local$"))
    expect(found.get_by_role("listitem", name="Amazon")).to_have_count(0)
    expect(found.get_by_role("listitem", name="Fiverr")).to_have_count(0)
    names = {n.strip() for n in found.locator(":scope > li").evaluate_all("els => els.map(e => e.ariaLabel)")}
    assert names and names <= LOCAL
    card = found.get_by_role("listitem").first
    expect(card.get_by_role("img")).to_have_accessible_name(re.compile(r"offered \d+ times"))
    expect(card.get_by_role("table")).to_contain_text("Week of")

    page.reload()  # the URL alone brings back the same tab and filter
    expect(page.get_by_role("tab", name="Outside partners")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("search", name="Filter outside partners").get_by_label("Kind")).to_have_value("local")
    expect(page.get_by_role("list", name="Outside partners").get_by_role("listitem", name="Amazon")).to_have_count(0)
    assert unnamed_controls(page) == []


def test_an_admin_edits_links_suspends_and_reinstates_a_partner(
    app_server: AppServer, page: Page, thumbtack_as_shipped: None
) -> None:
    sign_in(page, app_server.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto(f"{app_server.url}/admin")
    page.get_by_role("link", name="Manage outside partners").click()
    expect(page).to_have_url(f"{app_server.url}/admin/partners")
    row = page.get_by_role("list", name="Partners").get_by_role("listitem", name="Thumbtack")
    expect(row.get_by_text("Active", exact=True)).to_be_visible()

    row.get_by_role("button", name="Manage Thumbtack").click()
    dialog = page.get_by_role("dialog", name="Manage Thumbtack")
    template = dialog.get_by_label("Link template")
    template.fill("https://evil.example/search?q={query}")
    dialog.get_by_role("button", name="Save links").click()
    expect_field_message(template, "The link must go to thumbtack.com")

    template.fill("https://www.thumbtack.com/search/?query={query}&utm_source=jtbd")
    dialog.get_by_role("button", name="Save links").click()
    expect(dialog.get_by_role("status")).to_have_text("Links saved.")

    dialog.get_by_role("button", name="Suspend Thumbtack").click()  # no reason
    expect_field_message(dialog.get_by_label("Reason"), "Give a reason")
    dialog.get_by_label("Reason").fill("Several members reported no-shows this week.")
    dialog.get_by_role("button", name="Suspend Thumbtack").click()
    expect(dialog.get_by_role("status")).to_have_text("Thumbtack is suspended and no longer offered.")
    expect(dialog).to_contain_text("Suspended by an administrator on ")
    expect(dialog).to_contain_text("Several members reported no-shows this week.")
    dialog.get_by_role("button", name="Close").click()
    expect(row.get_by_text("Suspended", exact=True)).to_be_visible()
    expect(row).to_contain_text("https://www.thumbtack.com/search/?query={query}&utm_source=jtbd")

    row.get_by_role("button", name="Manage Thumbtack").click()

    dialog.get_by_label("Reason").fill("Spoke with Thumbtack; the no-shows were a scheduling bug, now fixed.")
    dialog.get_by_role("button", name="Reinstate Thumbtack").click()
    expect(dialog.get_by_role("status")).to_have_text("Thumbtack is reinstated and offered again.")
    dialog.get_by_role("button", name="Close").click()
    expect(row.get_by_text("Active", exact=True)).to_be_visible()
    assert unnamed_controls(page) == []

    with session_scope() as s:
        actions = s.exec(
            select(AuditEntry.action, AuditEntry.reason)
            .where(AuditEntry.subject == "partner:thumbtack", col(AuditEntry.actor_id).is_not(None))
            .order_by(col(AuditEntry.id).desc())
            .limit(3)
        ).all()
    assert [a for a, _ in reversed(actions)] == ["partner.links", "partner.suspend", "partner.reinstate"]


def test_a_member_is_refused_the_partner_admin_page(app_server: AppServer, page: Page) -> None:
    sign_in(page, app_server.url, "farid", "demo-password")
    page.goto(f"{app_server.url}/admin/partners")
    expect(page.get_by_role("alert")).to_contain_text("This page is for administrators only.")
    expect(page.get_by_role("list", name="Partners")).to_have_count(0)


def test_the_terms_say_outside_providers_are_independent(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/terms#outside-providers")
    section = page.get_by_role("region", name="Outside providers")
    expect(section).to_be_visible()
    expect(section).to_contain_text("Outside providers are independent")
    expect(section).to_contain_text("The platform is not responsible for their work")
    expect(section).to_contain_text("For internal contracts the dispute process is the remedy")
    expect(page.locator("#outside-providers")).to_be_in_viewport()


def test_the_partner_tab_fits_a_phone(app_server: AppServer, mobile_page: Page) -> None:
    mobile_page.goto(f"{app_server.url}/providers?tab=partners")
    expect(mobile_page.get_by_role("list", name="Outside partners")).to_be_visible()
    assert wider_than_the_screen(mobile_page) == []
