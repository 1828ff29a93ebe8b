"""Terms, the audit log and the admin overview in the browser: an admin publishes new terms (HTML refused); a member
who tries to bid is told to accept them, accepts at /terms and bids; the admin finds the terms publication and a money
movement in /admin/audit by filtering; the admin home draws its health charts, each an image named by its summary."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import delete
from sqlmodel import col, select

from jtbd_app.db import session_scope
from jtbd_app.models import TermsAcceptance, TermsVersion
from jtbd_app.services.accounts import terms
from jtbd_app.services.demo.seed import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.app_server import AppServer
from tests.support.browser import expect_field_message, sign_in, unnamed_controls
from tests.support.contract_journey import contract_in, new_member, sign_in_as
from tests.support.factories import make_listing

HOSTILE = "Hello <img src=x onerror=alert(1)> <script>alert(2)</script>"


@pytest.fixture
def terms_restored(app_database: None) -> Iterator[None]:
    """The versions this test publishes are taken back afterwards, so the members of later tests need not accept
    them (the app shares one database across the end-to-end tier)."""
    with session_scope() as s:
        current = terms.current_terms(s)
        assert current is not None
        before = current.version
    yield
    with session_scope() as s:
        newer = s.exec(select(TermsVersion.id).where(TermsVersion.version > before)).all()
        s.execute(delete(TermsAcceptance).where(col(TermsAcceptance.terms_version_id).in_(newer)))
        s.execute(delete(TermsVersion).where(col(TermsVersion.id).in_(newer)))


def _dismissed(dialog: Dialog, seen: list[str]) -> None:
    """A script ran in the page (an alert from hostile HTML): remembered, and closed."""
    seen.append(dialog.message)
    dialog.dismiss()


def _publish(page: Page, base_url: str, body: str, summary: str) -> None:
    page.goto(f"{base_url}/admin/terms")
    form = page.get_by_role("form", name="New version of the terms")
    form.get_by_label("Title").fill("JTBD Marketplace terms of service")
    form.get_by_label("Body (markdown)").fill(body)
    form.get_by_label("What changed").fill(summary)
    form.get_by_role("button", name="Preview").click()


def test_new_terms_hold_back_a_bid_until_accepted_and_the_admin_audits_it(
    app_server: AppServer, page: Page, other_page: Page, terms_restored: None
) -> None:
    base = app_server.url
    owner, bidder = new_member("tcl", "Tess"), new_member("tbd", "Brook")
    listing = make_listing(owner.user, title="Repaint the garden shed")
    deal = contract_in("funded", new_member("tpa", "Pia"), new_member("tko", "Kofi"))
    dialogs: list[str] = []
    page.on("dialog", lambda d: _dismissed(d, dialogs))

    # The admin's HTML is refused by the field; markdown is previewed as it will read, then published.
    sign_in(page, base, ADMIN_EMAIL, ADMIN_PASSWORD)
    _publish(page, base, HOSTILE, "Try HTML")
    expect_field_message(
        page.get_by_label("Body (markdown)"), "Write the terms in markdown: HTML tags are not allowed."
    )
    _publish(page, base, "## Refunds\n\nRefunds now go through the **dispute process**.", "Clearer refunds.")
    preview = page.get_by_role("region", name="Preview of the new terms")
    expect(preview.get_by_role("heading", name="Refunds")).to_be_visible()
    preview.get_by_role("button", name="Publish this version").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Version \d+ is published"))
    expect(page.get_by_role("table")).to_contain_text("Clearer refunds.")
    assert unnamed_controls(page) == []

    # The member who tries to bid is told to accept the new terms, accepts them at /terms, and bids.
    sign_in_as(other_page, base, bidder)
    other_page.goto(f"{base}/listings/{listing.id}")
    other_page.get_by_label(re.compile("Your price")).fill("150")
    other_page.get_by_label("Delivery estimate (days)").fill("3")
    other_page.get_by_label("Message to the client").fill("I paint sheds every summer.")
    other_page.get_by_role("button", name="Place bid").click()
    refusal = other_page.get_by_role("alert").filter(has_text="Accept the updated terms to continue.")
    expect(refusal).to_be_visible()
    refusal.get_by_role("link", name="Read and accept the terms").click()
    expect(other_page).to_have_url(f"{base}/terms")
    expect(other_page.get_by_role("heading", name="Refunds")).to_be_visible()
    expect(other_page.get_by_text("What changed: Clearer refunds.")).to_be_visible()
    expect(other_page.locator("#disputes")).to_contain_text("decided")
    expect(other_page.locator("#outside-providers")).to_contain_text("not responsible for their work")
    other_page.get_by_role("button", name="I accept these terms").click()
    expect(other_page.get_by_text(re.compile(r"Thank you: you accepted version \d+\."))).to_be_visible()
    other_page.goto(f"{base}/listings/{listing.id}")
    other_page.get_by_label(re.compile("Your price")).fill("150")
    other_page.get_by_label("Delivery estimate (days)").fill("3")
    other_page.get_by_label("Message to the client").fill("I paint sheds every summer.")
    other_page.get_by_role("button", name="Place bid").click()
    expect(other_page.get_by_text("Your bid is in.")).to_be_visible()

    # The admin finds the publication and the money movement in the audit log, filters kept in the URL.
    page.goto(f"{base}/admin/audit")
    filters = page.get_by_role("form", name="Filter the audit log")
    filters.get_by_label("Action starts with").fill("terms.publish")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/admin/audit\?action=terms\.publish$"))
    entries = page.get_by_role("table")
    expect(entries.get_by_role("row").filter(has_text="Clearer refunds.")).to_contain_text("admin-demo")
    filters = page.get_by_role("form", name="Filter the audit log")
    filters.get_by_label("Action starts with").fill("money.")
    filters.get_by_label("Subject contains").fill(f"contract:{deal.contract_id}")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"action=money\.&subject=contract%3A{deal.contract_id}$"))
    row = page.get_by_role("table").get_by_role("row").filter(has_text="money.fund")
    expect(row).to_contain_text("$100.00")
    expect(row).to_contain_text("system")
    page.reload()  # the URL alone brings the same filter back
    expect(page.get_by_label("Subject contains")).to_have_value(f"contract:{deal.contract_id}")
    expect(page.get_by_role("table")).not_to_contain_text("terms.publish")

    # The overview draws the platform's health, each chart an image named by its summary, with its numbers.
    page.goto(f"{base}/admin")
    for name in (
        r"^Contracts created and money funded in USD per week",
        r"^Money held in escrow in USD at the end of each",
        r"^Open disputes and frozen contracts by age",
        r"^Average rating of each outside partner",
    ):
        expect(page.get_by_role("img", name=re.compile(name))).to_be_visible()
    expect(page.get_by_role("navigation", name="Admin tools").get_by_role("link", name="Audit log")).to_be_visible()
    expect(page.get_by_text("Coming next")).to_have_count(0)
    assert dialogs == []


def test_a_stored_version_holding_html_shows_it_as_text_and_runs_nothing(
    app_server: AppServer, page: Page, terms_restored: None
) -> None:
    with session_scope() as s:  # written past the admin page's check, as an old or hand-made version could be
        terms.publish_terms(s, title="Terms", body=f"# Our rules\n\n{HOSTILE}\n\n[x](javascript:alert(3))")
    dialogs: list[str] = []
    page.on("dialog", lambda d: _dismissed(d, dialogs))
    page.goto(f"{app_server.url}/terms")
    expect(page.get_by_role("heading", name="Our rules")).to_be_visible()
    expect(page.locator("main")).to_contain_text("<img src=x onerror=alert(1)>")  # shown as text, never run
    page.wait_for_timeout(500)
    assert page.locator("main img").count() == 0 and page.locator("main script").count() == 0
    assert page.locator("main a[href^='javascript']").count() == 0
    assert dialogs == []
