"""Private messages: a listing's owner and a bidder talk in their thread; nobody else can read it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Browser, Locator, Page, expect

from jtbd_app.db import session_scope
from jtbd_app.models import Bid, User
from jtbd_app.services.messaging import messages
from jtbd_app.services.viewer import Viewer
from tests.support.app_server import AppServer
from tests.support.browser import expect_field_message, sign_in, unique_username
from tests.support.factories import make_listing
from tests.support.members import sign_up

PASSWORD = "messages-password-1"
PRIVATE = "This conversation is private to the two members in it."


@dataclass(frozen=True)
class Member:
    username: str
    display_name: str


def _member(prefix: str, display_name: str) -> tuple[Member, User]:
    username = unique_username(prefix)
    with session_scope() as session:
        user = sign_up(session, username, display_name=display_name, password=PASSWORD)
    return Member(username, display_name), user


def _messages_log(page: Page) -> Locator:
    return page.get_by_role("log", name="Messages")


def _send(page: Page, text: str) -> None:
    page.get_by_label("Message", exact=True).fill(text)
    page.get_by_role("button", name="Send", exact=True).click()


def test_owner_and_bidder_exchange_messages_and_a_third_member_is_refused(
    app_server: AppServer, app_database: None, page: Page, other_page: Page, browser: Browser
) -> None:
    owner, owner_row = _member("owner", "Olive Owner")
    bidder, bidder_row = _member("bidder", "Bruno Bidder")
    third, _ = _member("third", "Tess Third")
    listing = make_listing(owner_row, title="Bake a wedding cake")
    with session_scope() as session:
        assert listing.id is not None and bidder_row.id is not None
        session.add(
            Bid(
                listing_id=listing.id,
                bidder_id=bidder_row.id,
                amount_minor=30_000,
                currency="USD",
                delivery_days=7,
                message="I bake for weddings every weekend.",
            )
        )

    # The owner opens the thread from the listing's link and sends a message (after a refused one).
    sign_in(page, app_server.url, owner.username, PASSWORD)
    page.goto(f"{app_server.url}/messages/open?listing={listing.id}&with={bidder.username}")
    expect(page.get_by_role("heading", name="Conversation with Bruno Bidder")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/messages/\d+$"))
    thread_url = page.url
    expect(page.get_by_role("link", name="About: Bake a wedding cake")).to_be_visible()
    expect(page.get_by_text("No messages yet.")).to_be_visible()

    _send(page, "Hi <b>Bruno</b>")
    expect_field_message(page.get_by_label("Message", exact=True), "Messages are plain text")
    _send(page, "Hi Bruno, can you start on Monday?")
    expect(_messages_log(page)).to_contain_text("Hi Bruno, can you start on Monday?")
    expect(_messages_log(page)).to_contain_text("Olive Owner")
    expect(page.get_by_label("Message", exact=True)).to_have_value("")

    # The bidder sees the unread count in the navigation, opens the thread and replies.
    sign_in(other_page, app_server.url, bidder.username, PASSWORD)
    other_page.get_by_role("link", name="Messages, 1 unread").click()
    expect(other_page.get_by_role("heading", name="Messages", exact=True)).to_be_visible()
    other_page.get_by_role(
        "link", name=re.compile(r"^Conversation with Olive Owner about Bake a wedding cake, 1 unread")
    ).click()
    expect(other_page.get_by_role("heading", name="Conversation with Olive Owner")).to_be_visible()
    expect(_messages_log(other_page)).to_contain_text("Hi Bruno, can you start on Monday?")
    expect(other_page.get_by_role("link", name="Messages", exact=True)).to_be_visible()  # read: no count left
    _send(other_page, "Yes, Monday works.\nI will bring samples.")
    expect(_messages_log(other_page)).to_contain_text("Yes, Monday works.")

    # The owner, still on the thread, sees the reply without reloading.
    expect(_messages_log(page)).to_contain_text("Yes, Monday works.", timeout=15_000)
    expect(_messages_log(page)).to_contain_text("Bruno Bidder")

    # A third member is refused the thread and sees none of it.
    context = browser.new_context()
    try:
        stranger = context.new_page()
        sign_in(stranger, app_server.url, third.username, PASSWORD)
        stranger.goto(thread_url)
        expect(stranger.get_by_role("alert")).to_contain_text(PRIVATE)
        expect(stranger.get_by_text("Monday")).to_have_count(0)
        expect(stranger.get_by_label("Message", exact=True)).to_have_count(0)
    finally:
        context.close()


def test_the_conversation_list_has_an_empty_state(app_server: AppServer, app_database: None, page: Page) -> None:
    member, _ = _member("quiet", "Quinn Quiet")
    sign_in(page, app_server.url, member.username, PASSWORD)

    page.get_by_role("link", name="Messages", exact=True).click()

    expect(page.get_by_role("heading", name="No conversations yet")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Loading")).to_have_count(0)


def test_a_visitor_is_asked_to_sign_in_for_a_thread(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/messages/1")

    expect(page.get_by_role("alert")).to_contain_text("Please sign in to continue.")
    expect(page.get_by_role("link", name="Sign in").last).to_be_visible()


def test_an_administrator_reads_a_thread_read_only(app_server: AppServer, app_database: None, page: Page) -> None:
    owner, owner_row = _member("owner", "Otto Owner")
    _, bidder_row = _member("bidder", "Bea Bidder")
    listing = make_listing(owner_row, title="Fix a leaking tap")
    with session_scope() as session:
        assert listing.id is not None and bidder_row.id is not None
        session.add(
            Bid(listing_id=listing.id, bidder_id=bidder_row.id, amount_minor=5_000, currency="USD", delivery_days=1)
        )
        session.flush()
        otto = Viewer(owner_row.id or 0, owner.username, owner.display_name, "user", "active")
        thread_id = messages.open_listing_thread(
            session, viewer=otto, listing_id=listing.id, with_username=bidder_row.username
        )
        messages.send_message(session, viewer=otto, thread_id=thread_id, body="The tap drips all night.")
    sign_in(page, app_server.url, "admin@example.com", "admin-demo-password")

    page.goto(f"{app_server.url}/messages/{thread_id}")

    expect(page.get_by_role("status").filter(has_text="Read-only: you are viewing as an administrator")).to_be_visible()
    expect(page.get_by_role("heading", name="Conversation between Otto Owner (client) and Bea Bidder")).to_be_visible()
    expect(_messages_log(page)).to_contain_text("The tap drips all night.")
    expect(page.get_by_label("Message", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Send", exact=True)).to_have_count(0)
