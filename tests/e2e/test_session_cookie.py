"""The login is the HttpOnly session cookie, never the websocket's client token."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import sign_in


def test_the_session_cookie_is_httponly_and_samesite(app_server: AppServer, page: Page) -> None:
    sign_in(page, app_server.url, "farid", "demo-password")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "jtbd_session"]
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert "jtbd_session" not in page.evaluate("document.cookie")


def test_a_stolen_client_token_without_the_cookie_is_anonymous(
    app_server: AppServer, page: Page, other_page: Page
) -> None:
    sign_in(page, app_server.url, "hiro", "demo-password")
    client_token = page.evaluate("window.sessionStorage.getItem('token')")
    assert client_token, "Reflex keeps its websocket client token in sessionStorage"

    # Another browser reuses that client token (so it reconnects to hiro's state) but has no cookie.
    other_page.context.add_init_script(f"window.sessionStorage.setItem('token', {client_token!r})")
    other_page.goto(app_server.url)
    assert other_page.evaluate("window.sessionStorage.getItem('token')") == client_token
    expect(other_page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()
    expect(other_page.get_by_text("Hiro Tanaka")).to_have_count(0)
    other_page.goto(f"{app_server.url}/u/hiro")
    expect(other_page.get_by_role("heading", name="Hiro Tanaka", exact=True)).to_be_visible()
    expect(other_page.get_by_role("button", name="Edit profile")).to_have_count(0)
