"""A newcomer's first steps in the browser: signing in or up from a listing comes back to it, and a new member works
through the first-run checklist (a photo, skills and rate, a post, a bid) until it goes."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import FIRST_GREETING, SignUpForm, fill_sign_up, sign_up_new_member, unique_username
from tests.support.factories import make_listing
from tests.support.marketplace_journey import place_bid, post_through_the_wizard
from tests.support.members import PASSWORD, make_user


def _open_listing(app_server: AppServer, title: str) -> str:
    listing = make_listing(make_user(unique_username("owner")), title=title)
    return f"{app_server.url}/listings/{listing.id}"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (500, 400), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_visitor_who_signs_in_to_bid_is_back_on_the_listing(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    url = _open_listing(app_server, "Fix a squeaky door")
    member = make_user(unique_username("bidder"))
    page.goto(url)
    expect(page.get_by_role("heading", name="Fix a squeaky door")).to_be_visible()

    page.get_by_role("link", name="Sign in to bid or ask a question").click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    # The header's Sign up keeps the page that asked
    header_sign_up = page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up")
    expect(header_sign_up).to_have_attribute("href", re.compile(r"^/signup\?next=(%2F|/)listings(%2F|/)\d+$"))
    page.get_by_label("Email or username").fill(member.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page).to_have_url(url, timeout=20_000)
    expect(page.get_by_label(re.compile("Your price"))).to_be_visible()


def test_a_visitor_who_signs_up_from_a_listing_is_back_on_it_as_a_member(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    url = _open_listing(app_server, "Paint a garden shed")
    username = unique_username("joiner")
    page.goto(url)
    expect(page.get_by_role("heading", name="Paint a garden shed")).to_be_visible()

    page.get_by_role("link", name="Sign in to bid or ask a question").click()
    page.get_by_role("link", name="Create an account").click()
    expect(page).to_have_url(re.compile(r"/signup\?next="))
    fill_sign_up(page, SignUpForm(f"{username}@example.com", username, "Jo Iner", "a-long-enough-password"))
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(url, timeout=20_000)
    expect(page.get_by_label(re.compile("Your price"))).to_be_visible()


def test_a_crafted_return_address_lands_on_the_dashboard(app_server: AppServer, page: Page) -> None:
    username = unique_username("crafted")
    page.goto(f"{app_server.url}/signup?next=//evil.example/steal")
    fill_sign_up(page, SignUpForm(f"{username}@example.com", username, "Cr Afted", "a-long-enough-password"))
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name=FIRST_GREETING)).to_be_visible(timeout=20_000)
    expect(page).to_have_url(f"{app_server.url}/")


def _checklist_item(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("list", name="Getting started checklist").get_by_role("listitem", name=name)


def test_a_new_member_works_through_the_checklist_until_it_goes(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    other_url = _open_listing(app_server, "Assemble a bookshelf")
    username = sign_up_new_member(page, app_server.url, "newbie", "New Bie")
    expect(page.get_by_role("heading", name="Welcome, New Bie")).to_be_visible()
    for name in ("Complete your profile: to do", "Post a task or a problem: to do", "Find work: to do"):
        expect(_checklist_item(page, name)).to_be_visible()

    # A photo, from the checklist's link; a file that is not one is refused first, with its message.
    page.get_by_role("link", name="Add a photo").click()
    expect(page.get_by_role("heading", name="Profile photo")).to_be_visible()
    photo_form = page.get_by_role("form", name="Upload a profile photo")
    fake: FilePayload = {"name": "me.png", "mimeType": "image/png", "buffer": b"not an image, only text"}
    photo_form.locator("input[type=file]").set_input_files(files=[fake])
    photo_form.get_by_role("button", name="Upload photo").click()
    expect(photo_form.get_by_role("alert")).to_contain_text("not an image we accept")
    real: FilePayload = {"name": "me.png", "mimeType": "image/png", "buffer": _png()}
    photo_form.locator("input[type=file]").set_input_files(files=[real])
    photo_form.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_role("status").filter(has_text="Your photo is saved.")).to_be_visible()
    expect(page.get_by_role("img", name="Your profile photo")).to_be_visible()
    photo = page.get_by_role("img", name="Your profile photo").get_attribute("src")
    assert photo and page.request.get(f"{app_server.url}{photo}").headers["content-type"] == "image/jpeg"

    # Skills and a rate on the profile.
    page.goto(app_server.url)
    expect(_checklist_item(page, "Complete your profile: to do")).to_contain_text("Still missing: your skills")
    page.get_by_role("link", name="Add your skills and rate").click()
    page.get_by_role("button", name="Edit profile").click()
    form = page.get_by_role("form", name="Edit profile")
    form.get_by_label("Hourly rate").fill("40")
    skill_box = form.get_by_role("textbox", name="Skills")
    skill_box.fill("carpentry")
    skill_box.press("Enter")
    form.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").filter(has_text="Profile saved.")).to_be_visible()

    page.goto(app_server.url)
    expect(_checklist_item(page, "Complete your profile: done")).to_be_visible()
    expect(page.get_by_text("1 of 3 done")).to_be_visible()

    post_through_the_wizard(page, app_server.url, f"Paint the fence for {username}")
    place_bid(page, other_url, "80", "I have built dozens of these.")

    page.goto(app_server.url)
    expect(page.get_by_role("heading", name="Welcome back, New Bie")).to_be_visible()
    expect(page.get_by_role("list", name="Getting started checklist")).to_have_count(0)
    expect(page.get_by_role("heading", name="Get started")).to_have_count(0)


def test_a_member_hides_the_checklist_for_good(app_server: AppServer, page: Page) -> None:
    sign_up_new_member(page, app_server.url, "hider", "Hi Der")
    expect(page.get_by_role("heading", name="Get started")).to_be_visible()

    page.get_by_role("button", name="Hide this checklist").click()

    expect(page.get_by_role("heading", name="Get started")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("heading", name=re.compile("Hi Der"))).to_be_visible()
    expect(page.get_by_role("heading", name="Get started")).to_have_count(0)


def test_a_removed_photo_leaves_the_header_and_is_no_longer_served(app_server: AppServer, page: Page) -> None:
    username = sign_up_new_member(page, app_server.url, "photo", "Pho To")
    page.goto(f"{app_server.url}/settings")
    photo_form = page.get_by_role("form", name="Upload a profile photo")
    real: FilePayload = {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": _png()}
    photo_form.locator("input[type=file]").set_input_files(files=[real])
    photo_form.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_role("status").filter(has_text="Your photo is saved.")).to_be_visible()
    src = page.get_by_role("img", name="Your profile photo").get_attribute("src")
    page.goto(f"{app_server.url}/u/{username}")
    expect(page.locator(f"img[src='{src}']")).to_be_visible()  # on the profile page

    page.goto(f"{app_server.url}/settings")
    page.get_by_role("button", name="Remove photo").click()

    expect(page.get_by_role("status").filter(has_text="Your photo is removed.")).to_be_visible()
    assert page.request.get(f"{app_server.url}{src}").status == 404
