"""/providers: a client finds a contractor by skill (the URL holds the filter) and invites them to bid."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlmodel import select

from jtbd_app.db import session_scope
from jtbd_app.models import Invitation, Notification
from tests.support.app_server import AppServer
from tests.support.browser import expect_field_message, unique_username
from tests.support.contract_journey import new_member, sign_in_as
from tests.support.contractors import ContractorProfile
from tests.support.factories import make_listing


def test_client_finds_a_contractor_by_skill_and_invites_them_to_bid(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    skill = f"rare-skill-{unique_username('s')[-8:]}"
    contractor = new_member(
        "carl", "Carl", ContractorProfile(skills=(skill, "python"), rate_minor=5500, bio="I fix things.")
    )
    client = new_member("cleo", "Cleo")
    listing = make_listing(client.user, title=f"Fix my website {client.username[-4:]}")
    make_listing(client.user, title="A newer open listing")  # offered first in the dialog

    sign_in_as(page, app_server.url, client)
    page.goto(f"{app_server.url}/providers")
    expect(page.get_by_role("list", name="Providers")).to_be_visible()  # the page has loaded its data
    filters = page.get_by_role("search", name="Filter providers")
    filters.get_by_label("Skills").fill(skill.upper())
    filters.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(rf"/providers\?skills={re.escape(skill)}$"))
    results = page.get_by_role("list", name="Providers")
    expect(results.get_by_role("listitem", name=contractor.name)).to_have_count(1)
    expect(page.get_by_text("1 provider found")).to_be_visible()

    page.reload()  # the URL alone brings back the same search
    expect(page.get_by_role("search", name="Filter providers").get_by_label("Skills")).to_have_value(skill)
    card = page.get_by_role("list", name="Providers").get_by_role("listitem", name=contractor.name)
    expect(card.get_by_role("link", name=contractor.name)).to_have_attribute("href", f"/u/{contractor.username}")
    expect(card.get_by_text("$55.00/hour")).to_be_visible()
    expect(card.get_by_text("No reviews yet")).to_be_visible()

    card.get_by_role("button", name=f"Invite {contractor.name} to bid").click()
    dialog = page.get_by_role("dialog", name=f"Invite {contractor.name} to bid")
    dialog.get_by_label("Listing").select_option(label=listing.title)
    dialog.get_by_label("Message (optional)").fill("Your skills fit this job.")
    dialog.get_by_role("button", name="Send invitation").click()
    expect(dialog.get_by_role("status")).to_have_text(f"Invitation sent to {contractor.name}.")

    dialog.get_by_label("Listing").select_option(label=listing.title)
    dialog.get_by_role("button", name="Send invitation").click()  # twice is refused
    expect(dialog.get_by_role("alert")).to_contain_text("Already invited")

    # /notifications is built on another branch; until it lands, the contractor's notification is checked
    # in the database (the lead can replace this with other_page on /notifications after the merge).
    with session_scope() as session:
        invitation = session.exec(select(Invitation).where(Invitation.listing_id == listing.id)).one()
        note = session.exec(select(Notification).where(Notification.user_id == contractor.user.id)).one()
    assert invitation.contractor_id == contractor.user.id and invitation.message == "Your skills fit this job."
    assert note.kind == "invitation" and note.title == f"{client.name} invited you to bid on {listing.title}"
    assert note.link == f"/listings/{listing.id}"


def test_client_invites_from_a_members_profile(app_server: AppServer, app_database: None, page: Page) -> None:
    contractor = new_member("dora", "Dora", ContractorProfile(skills=("plumbing",)))
    client = new_member("cleo", "Cleo")
    listing = make_listing(client.user, title=f"Fix a tap {client.username[-4:]}")
    sign_in_as(page, app_server.url, client)

    page.goto(f"{app_server.url}/u/{contractor.username}")
    page.get_by_role("button", name=f"Invite {contractor.name} to bid").click()
    dialog = page.get_by_role("dialog", name=f"Invite {contractor.name} to bid")
    dialog.get_by_label("Message (optional)").fill("<b>Bold</b> request")
    dialog.get_by_role("button", name="Send invitation").click()
    expect_field_message(dialog.get_by_label("Message (optional)"), "HTML is not allowed")

    dialog.get_by_label("Message (optional)").fill("Plain request")
    dialog.get_by_role("button", name="Send invitation").click()
    expect(dialog.get_by_role("status")).to_have_text(f"Invitation sent to {contractor.name}.")
    with session_scope() as session:
        invitation = session.exec(select(Invitation).where(Invitation.listing_id == listing.id)).one()
    assert (invitation.contractor_id, invitation.message) == (contractor.user.id, "Plain request")


def test_visitor_sees_sign_in_to_invite_and_no_invite_button(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/providers?skills=python")

    card = page.get_by_role("list", name="Providers").get_by_role("listitem", name="Alice Martin")
    expect(card.get_by_role("link", name="Sign in to invite Alice Martin")).to_have_attribute(
        "href",
        re.compile(r"^/login\?next=%2Fproviders(%2F)?%3Fskills%3Dpython$"),  # back here after signing in
    )
    expect(page.get_by_role("button", name=re.compile("^Invite "))).to_have_count(0)


def test_a_bad_filter_in_the_url_is_shown_by_its_field(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/providers?min_rating=9&skills=python")

    field = page.get_by_role("search", name="Filter providers").get_by_label("Minimum rating")
    expect_field_message(field, "Minimum rating must be a number from 0 to 5")
    expect(page.get_by_role("list", name="Providers").get_by_role("listitem", name="Alice Martin")).to_be_visible()


def test_the_navigation_link_opens_the_directory(app_server: AppServer, page: Page) -> None:
    page.goto(app_server.url)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Providers", exact=True).click()

    expect(page).to_have_url(f"{app_server.url}/providers")
    expect(page.get_by_role("heading", name="Providers", exact=True)).to_be_visible()
    expect(page.get_by_role("list", name="Providers").get_by_role("listitem", name="Alice Martin")).to_be_visible()


def test_no_match_shows_the_empty_state(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/providers?q=zzzz-nobody-matches")

    expect(page.get_by_role("status").filter(has_text="No providers match these filters.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Finding providers")).to_have_count(0)
