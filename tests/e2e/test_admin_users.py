"""/admin/users in Chromium: an administrator finds a member, opens their record, suspends them with a reason (the
member, in another browser, reads the reason and their bid is refused), reinstates them, promotes another member, and
cannot demote themselves while they are the last active administrator."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Locator, Page, expect
from sqlmodel import col, select

from jtbd_app.db import session_scope
from jtbd_app.models import User
from jtbd_app.services.trust import user_admin
from tests.support.app_server import AppServer
from tests.support.browser import unnamed_controls
from tests.support.contract_journey import Member, new_member, sign_in_as
from tests.support.factories import make_listing


def _confirm(page: Page, action: str, form_name: str, reason: str) -> Locator:
    """Opens the action's confirm step, gives the reason and confirms; the form, for what it says next."""
    page.get_by_role("button", name=action, exact=True).click()
    form = page.get_by_role("form", name=form_name)
    form.get_by_label("Reason").fill(reason)
    form.get_by_role("button", name=re.compile(r"^Confirm ")).click()
    return form


def _open_record(page: Page, base: str, member: Member) -> None:
    page.goto(f"{base}/admin/users")
    # typed after the page's own first search has answered (it sets the form from the URL)
    expect(page.get_by_role("table", name="Members, newest first")).to_be_visible()
    search = page.get_by_role("search", name="Search members")
    search.get_by_label("Search members").fill(member.username.upper())
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"/admin/users\?q={member.username.upper()}$"))
    results = page.get_by_role("table", name="Members, newest first")
    expect(results.get_by_role("row")).to_have_count(2)  # the header and the one member
    results.get_by_role("link", name=member.username, exact=True).click()
    expect(page.get_by_role("heading", name=member.name, exact=True)).to_be_visible()


@contextmanager
def _the_only_active_admin(admin: Member) -> Iterator[None]:
    """Every other active administrator of the shared test app is a member for a moment, then an admin again."""
    with session_scope() as s:
        others = s.exec(
            select(User).where(User.role == "admin", User.status == "active", col(User.id) != admin.user.id)
        ).all()
        ids = [u.id for u in others]
        for user in others:
            user.role = "user"
            s.add(user)
    try:
        yield
    finally:
        with session_scope() as s:
            for user in s.exec(select(User).where(col(User.id).in_(ids))).all():
                user.role = "admin"
                s.add(user)


def test_an_administrator_suspends_reinstates_and_promotes_members(
    app_server: AppServer, app_database: None, page: Page, other_page: Page
) -> None:
    base = app_server.url
    admin, sam, pat, owner = (
        new_member("boss", "Bo Boss"),
        new_member("sam", "Sam Suspect"),
        new_member("pat", "Pat Promoted"),
        new_member("olly", "Olly Owner"),
    )
    with session_scope() as s:
        user_admin.promote_by_email(s, email=admin.user.email)
    listing = make_listing(owner.user, title="Paint a fence")
    listing_url = f"{base}/listings/{listing.id}"

    # Sam is signed in on another device, looking at a listing they mean to bid on
    sign_in_as(other_page, base, sam)
    other_page.goto(listing_url)
    expect(other_page.get_by_role("form", name="Place a bid")).to_be_visible()

    # The administrator finds Sam and opens the record
    sign_in_as(page, base, admin)
    _open_record(page, base, sam)
    expect(page.get_by_text(sam.user.email)).to_be_visible()
    for section in ("Contracts", "Disputes", "Reports about them", "Reports they filed", "Strikes", "Appeals"):
        expect(page.get_by_role("region", name=section)).to_be_visible()
    assert unnamed_controls(page) == []

    # A suspension needs a reason: without one, the message is next to the field and nothing changes
    form = _confirm(page, "Suspend", "Suspend member", "")
    expect(form.get_by_text("Give a reason: the member reads it.")).to_be_visible()
    expect(form.get_by_label("Reason")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Reason").fill("Asked buyers to pay outside the platform.")
    form.get_by_role("button", name="Confirm suspension").click()
    expect(page.get_by_role("status").filter(has_text="Suspended.")).to_be_visible()
    expect(page.get_by_label("Suspension reason")).to_contain_text("Asked buyers to pay outside the platform.")
    strikes = page.get_by_role("table", name="Strikes, newest first")
    expect(strikes).to_contain_text("Asked buyers to pay outside the platform.")
    expect(strikes).to_contain_text("In force")
    expect(page.get_by_role("table", name="Audit entries about this member")).to_contain_text("member.suspend")

    # Sam's bid from the page already open is refused, with the reason why; the notice carries the admin's reason
    bid = other_page.get_by_role("form", name="Place a bid")
    bid.get_by_label(re.compile("Your price")).fill("120")
    bid.get_by_label("Delivery estimate (days)").fill("3")
    bid.get_by_label("Message to the client").fill("I can paint it this weekend.")
    bid.get_by_role("button", name="Place bid").click()
    expect(
        other_page.get_by_role("alert").filter(has_text="Your account is suspended, so you cannot post, bid").first
    ).to_be_visible()
    other_page.goto(f"{base}/notifications")
    expect(other_page.get_by_text("Your account is suspended", exact=True)).to_be_visible()
    expect(other_page.get_by_text("Asked buyers to pay outside the platform. You can still sign in")).to_be_visible()
    expect(other_page.get_by_role("alert").filter(has_text="Your account is suspended: Asked buyers")).to_be_visible()
    other_page.goto(listing_url)
    expect(other_page.get_by_role("heading", name="Paint a fence")).to_be_visible()
    expect(other_page.get_by_role("form", name="Place a bid")).to_have_count(0)

    # Reinstated, Sam bids again
    _confirm(page, "Reinstate", "Reinstate member", "Promised to keep payments here.")
    expect(page.get_by_role("status").filter(has_text="Reinstated.")).to_be_visible()
    expect(page.get_by_label("Suspension reason")).to_have_count(0)
    expect(page.get_by_role("table", name="Strikes, newest first")).to_contain_text("Lifted")
    other_page.goto(listing_url)
    bid = other_page.get_by_role("form", name="Place a bid")
    bid.get_by_label(re.compile("Your price")).fill("120")
    bid.get_by_label("Delivery estimate (days)").fill("3")
    bid.get_by_label("Message to the client").fill("I can paint it this weekend.")
    bid.get_by_role("button", name="Place bid").click()
    expect(other_page.get_by_text("Your bid is in.")).to_be_visible()

    # Pat is promoted, then steps down again
    _open_record(page, base, pat)
    _confirm(page, "Promote to administrator", "Promote member", "Joins the moderation team.")
    expect(page.get_by_role("status").filter(has_text="Promoted")).to_be_visible()
    expect(page.get_by_text("Administrator", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Audit entries about this member")).to_contain_text("member.promote")
    _confirm(page, "Demote to member", "Demote administrator", "Moved to another team.")
    expect(page.get_by_role("status").filter(has_text="Demoted")).to_be_visible()

    # The last active administrator cannot demote themselves: the refusal is next to the form, nothing changes
    with _the_only_active_admin(admin):
        page.goto(f"{base}/admin/users/{admin.user.id}")
        expect(page.get_by_role("heading", name=admin.name, exact=True)).to_be_visible()
        form = _confirm(page, "Demote to member", "Demote administrator", "Stepping down.")
        expect(form.get_by_role("alert")).to_have_text(user_admin.LAST_ADMIN)
        page.reload()
        expect(page.get_by_text("Administrator", exact=True)).to_be_visible()


def test_a_member_is_refused_the_user_administration(app_server: AppServer, app_database: None, page: Page) -> None:
    sam = new_member("nosy", "Nosy Member")
    sign_in_as(page, app_server.url, sam)
    page.goto(f"{app_server.url}/admin/users")
    expect(page.get_by_role("alert")).to_contain_text("This page is for administrators only.")
    expect(page.get_by_role("table")).to_have_count(0)
    page.goto(f"{app_server.url}/admin/users/{sam.user.id}")
    expect(page.get_by_role("alert")).to_contain_text("This page is for administrators only.")
    expect(page.get_by_text(sam.user.email)).to_have_count(0)
