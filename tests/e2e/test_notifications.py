"""A member follows the bell to their notifications, marks them read, and mutes a kind in the settings."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect
from sqlmodel import Session, select

from jtbd_app.config import get_settings
from jtbd_app.db import engine_for
from jtbd_app.models import User
from jtbd_app.services.messaging import notifications
from tests.support.app_server import AppServer
from tests.support.browser import FIRST_GREETING, SignUpForm, fill_sign_up, unique_username


@pytest.fixture(autouse=True)
def in_app_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """notify runs in this test process against the app's database; no mail is queued here."""
    monkeypatch.setenv("SMTP_HOST", "")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _sign_up(page: Page, base_url: str) -> str:
    username = unique_username("bell")
    page.goto(f"{base_url}/signup")
    fill_sign_up(page, SignUpForm(f"{username}@example.com", username, "Bell Tester", "bell-password-1"))
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name=FIRST_GREETING)).to_be_visible()
    return username


def _notify(server: AppServer, username: str, kind: str, title: str) -> None:
    """Insert a notification through the service, as the marketplace would, into the running app's database."""
    with Session(engine_for(server.env["DATABASE_URL"])) as session:
        user_id = session.exec(select(User.id).where(User.username == username)).one()
        assert user_id is not None
        notifications.notify(session, user_id=user_id, kind=kind, title=title, body="Details.", link="/u/" + username)
        session.commit()


def test_a_member_reads_clears_and_mutes_notifications(app_server: AppServer, page: Page) -> None:
    username = _sign_up(page, app_server.url)
    _notify(app_server, username, "bid_received", "New bid on Bakery site")
    _notify(app_server, username, "message", "New message from Bob")
    _notify(app_server, username, "invitation", "Invitation to bid on Logo")

    page.reload()
    page.get_by_role("link", name="Notifications, 3 unread").click()
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    inbox = page.get_by_role("list", name="Your notifications")
    expect(inbox.get_by_role("listitem")).to_have_count(3)
    expect(inbox.get_by_text("Unread", exact=True)).to_have_count(3)
    expect(inbox.get_by_role("listitem").first).to_contain_text("Invitation to bid on Logo")
    expect(page.get_by_role("link", name="Open: New bid on Bakery site")).to_have_attribute("href", f"/u/{username}")

    page.get_by_role("button", name="Mark read: New message from Bob").click()
    expect(page.get_by_role("status").filter(has_text="Marked as read.")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications, 2 unread")).to_be_visible()
    expect(inbox.get_by_text("Unread", exact=True)).to_have_count(2)
    expect(page.get_by_role("button", name="Mark read: New message from Bob")).to_have_count(0)

    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("status").filter(has_text="2 notification(s) marked as read.")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(inbox.get_by_text("Unread", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()
    expect(page.get_by_text("Email is not configured on this server", exact=True)).to_be_visible()
    muted = page.get_by_role("checkbox", name="In app: New message")
    expect(muted).to_be_checked()
    muted.click()
    expect(muted).not_to_be_checked()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status").filter(has_text="Your notification preferences are saved.")).to_be_visible()

    _notify(app_server, username, "message", "Muted message from Carla")
    _notify(app_server, username, "question", "Question on Bakery site")
    page.goto(f"{app_server.url}/notifications")
    expect(inbox.get_by_role("listitem")).to_have_count(4)
    expect(inbox).to_contain_text("Question on Bakery site")
    expect(inbox).not_to_contain_text("Muted message from Carla")
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()

    page.reload()
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    page.goto(f"{app_server.url}/notifications/settings")
    expect(page.get_by_role("checkbox", name="In app: New message")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="In app: New bid on my listing")).to_be_checked()


def test_a_member_without_notifications_sees_the_empty_state(app_server: AppServer, page: Page) -> None:
    _sign_up(page, app_server.url)
    page.goto(f"{app_server.url}/notifications")
    expect(page.get_by_text("You have no notifications yet.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark all as read")).to_be_disabled()


def test_visitors_are_asked_to_sign_in(app_server: AppServer, page: Page) -> None:
    for path in ("/notifications", "/notifications/settings"):
        page.goto(f"{app_server.url}{path}")
        expect(page.get_by_role("alert")).to_contain_text("Please sign in to continue.")
        expect(page.get_by_role("link", name="Sign in").last).to_be_visible()


def test_the_mobile_menu_names_the_unread_count(app_server: AppServer, mobile_page: Page) -> None:
    username = _sign_up(mobile_page, app_server.url)
    _notify(app_server, username, "question", "Question on Bakery site")
    mobile_page.reload()
    mobile_page.get_by_role("button", name="Open navigation").click()
    mobile_page.get_by_role("menuitem", name="Notifications (1 unread)").click()
    expect(mobile_page.get_by_role("list", name="Your notifications")).to_contain_text("Question on Bakery site")


def _hold(ws: WebSocketRoute) -> None:
    """Accept the websocket but never reach the server: the data never arrives."""


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/notifications", "Loading your notifications"),
        ("/notifications/settings", "Loading your notification settings"),
    ],
)
def test_the_pages_say_they_are_loading_until_their_data_arrives(
    app_server: AppServer, page: Page, path: str, status: str
) -> None:
    page.route_web_socket(re.compile(r"/_event"), _hold)
    page.goto(f"{app_server.url}{path}")
    expect(page.get_by_role("status").filter(has_text=status)).to_be_visible()
