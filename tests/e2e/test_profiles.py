"""Public profiles at /u/<username>: what anyone sees, and editing by the owner alone."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from jtbd_app.services.demo.seed import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.app_server import AppServer
from tests.support.browser import expect_field_message, sign_in

DEMO_PASSWORD = "demo-password"


def _open_profile(page: Page, base_url: str, username: str, display_name: str) -> None:
    page.goto(f"{base_url}/u/{username}")
    expect(page.get_by_role("heading", name=display_name, exact=True)).to_be_visible()


def _skills(page: Page) -> list[str]:
    return [s.strip() for s in page.get_by_role("list", name="Skills").get_by_role("listitem").all_inner_texts()]


def test_visitor_sees_a_members_public_profile_without_an_edit_button(app_server: AppServer, page: Page) -> None:
    _open_profile(page, app_server.url, "alice", "Alice Martin")

    expect(page.get_by_text("@alice")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Member since \w+ \d{4}$"))).to_be_visible()
    expect(page.get_by_text("Data engineer who turns messy spreadsheets into dashboards.")).to_be_visible()
    expect(page.get_by_text("Austin, TX")).to_be_visible()
    expect(page.get_by_text("Works remotely")).to_be_visible()
    expect(page.get_by_text("$85.00/hour")).to_be_visible()
    assert _skills(page) == ["python", "data analysis", "sql"]
    expect(page.get_by_role("link", name="https://example.com/alice")).to_have_attribute(
        "href", "https://example.com/alice"
    )
    expect(page.get_by_role("button", name="Edit profile")).to_have_count(0)


def test_another_member_sees_the_profile_without_an_edit_button(app_server: AppServer, page: Page) -> None:
    sign_in(page, app_server.url, "bob", DEMO_PASSWORD)

    _open_profile(page, app_server.url, "alice", "Alice Martin")

    expect(page.get_by_text("$85.00/hour")).to_be_visible()
    expect(page.get_by_role("button", name="Edit profile")).to_have_count(0)


def test_owner_edits_the_profile_and_sees_the_changes_after_a_reload(app_server: AppServer, page: Page) -> None:
    sign_in(page, app_server.url, "carla", DEMO_PASSWORD)
    _open_profile(page, app_server.url, "carla", "Carla Rossi")

    page.get_by_role("button", name="Edit profile").click()
    form = page.get_by_role("form", name="Edit profile")
    form.get_by_label("Display name").fill("Carla Bianchi")
    form.get_by_label("Bio").fill("Brand identities, pitch decks and packaging.")
    form.get_by_label("Location").fill("Rome, Italy")
    form.get_by_label("Hourly rate").fill("75.50")
    form.get_by_label("Currency").select_option("GBP")

    skill_box = form.get_by_role("textbox", name="Skills")
    skill_box.fill("packaging design")
    skill_box.press("Enter")
    expect(form.get_by_role("button", name="Remove skill packaging design")).to_be_visible()
    expect(skill_box).to_have_value("")

    skill_box.press_sequentially("pyt")
    form.get_by_role("button", name="Add suggested skill python").click()
    expect(form.get_by_role("button", name="Remove skill python")).to_be_visible()

    form.get_by_role("button", name="Remove skill figma").click()
    expect(form.get_by_role("button", name="Remove skill figma")).to_have_count(0)

    form.get_by_label("Portfolio links").fill("https://example.com/carla\nhttps://carla.example.org/work")
    form.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").filter(has_text="Profile saved.")).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", name="Carla Bianchi", exact=True)).to_be_visible()
    expect(page.get_by_text("Brand identities, pitch decks and packaging.")).to_be_visible()
    expect(page.get_by_text("Rome, Italy")).to_be_visible()
    expect(page.get_by_text("£75.50/hour")).to_be_visible()
    assert _skills(page) == ["graphic design", "branding", "packaging design", "python"]
    expect(page.get_by_role("link", name="https://carla.example.org/work")).to_be_visible()


@dataclass(frozen=True)
class BadEdit:
    name: str
    username: str
    display_name: str
    field: str
    value: str
    message: str
    bio: str  # the seeded bio, which the refused save must not replace
    unchanged: str  # what the bad field showed before, still there after a reload


BAD_EDITS = [
    BadEdit(
        "negative rate",
        "emma",
        "Emma Schulz",
        "Hourly rate",
        "-5",
        "cannot be negative",
        "Front-end developer with ten years of React.",
        "€90.00/hour",
    ),
    BadEdit(
        "javascript link",
        "ines",
        "Ines Duarte",
        "Portfolio links",
        "javascript:alert(1)",
        "is not a valid http(s) link",
        "Inbox zero and calendars that make sense.",
        "https://example.com/ines",
    ),
    BadEdit(
        "hostile display name",
        "jack",
        "Jack Wilson",
        "Display name",
        "<script>alert(1)</script>",
        "Display name cannot contain < or >.",
        "Licensed plumber, Sydney metro.",
        "Jack Wilson",
    ),
]


@pytest.mark.parametrize("case", BAD_EDITS, ids=[c.name for c in BAD_EDITS])
def test_bad_input_in_the_edit_form_shows_a_message_by_the_field_and_changes_nothing(
    app_server: AppServer, page: Page, case: BadEdit
) -> None:
    sign_in(page, app_server.url, case.username, DEMO_PASSWORD)
    _open_profile(page, app_server.url, case.username, case.display_name)
    expect(page.get_by_text(case.bio)).to_be_visible()

    page.get_by_role("button", name="Edit profile").click()
    form = page.get_by_role("form", name="Edit profile")
    form.get_by_label("Bio").fill("This new bio must not be saved.")
    form.get_by_label(case.field).fill(case.value)
    form.get_by_role("button", name="Save profile").click()

    expect(form.get_by_role("alert")).to_contain_text(case.message)
    expect_field_message(form.get_by_label(case.field), case.message)

    page.reload()
    expect(page.get_by_role("heading", name=case.display_name, exact=True)).to_be_visible()
    expect(page.get_by_text(case.unchanged).first).to_be_visible()
    expect(page.get_by_text(case.bio)).to_be_visible()
    expect(page.get_by_text("This new bio must not be saved.")).to_have_count(0)
    expect(page.get_by_text(case.value)).to_have_count(0)


SUSPENDED_WITH_REASON = "This account is suspended: Repeated spam in messages."


def test_suspended_members_profile_says_so_but_keeps_the_reason_from_visitors_and_strangers(
    app_server: AppServer, page: Page, other_page: Page
) -> None:
    _open_profile(page, app_server.url, "mallory", "Mallory Spam")
    expect(page.get_by_text("This account is suspended.", exact=True)).to_be_visible()
    expect(page.get_by_text("Repeated spam")).to_have_count(0)

    sign_in(other_page, app_server.url, "alice", DEMO_PASSWORD)
    _open_profile(other_page, app_server.url, "mallory", "Mallory Spam")
    expect(other_page.get_by_text("This account is suspended.", exact=True)).to_be_visible()
    expect(other_page.get_by_text("Repeated spam")).to_have_count(0)


def test_the_suspended_member_and_admins_see_the_reason(app_server: AppServer, page: Page, other_page: Page) -> None:
    sign_in(page, app_server.url, "mallory", DEMO_PASSWORD)
    _open_profile(page, app_server.url, "mallory", "Mallory Spam")
    expect(page.get_by_text(SUSPENDED_WITH_REASON)).to_be_visible()

    sign_in(other_page, app_server.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    _open_profile(other_page, app_server.url, "mallory", "Mallory Spam")
    expect(other_page.get_by_text(SUSPENDED_WITH_REASON)).to_be_visible()


def test_profile_page_ends_in_its_loaded_state(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/u/alice")

    expect(page.get_by_role("heading", name="Alice Martin", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Loading profile")).to_have_count(0)
