"""A sign-in grant works only in the browser that asked for it; sign-out is a same-origin POST."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import BrowserContext, Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import GREETING, sign_in

DEMO_PASSWORD = "demo-password"
OTHER_BROWSER = "This sign-in link was started in another browser."


def session_cookies(context: BrowserContext) -> list[dict]:
    return [dict(c) for c in context.cookies() if c["name"] == "jtbd_session"]


def test_a_grant_issued_to_one_browser_is_refused_in_another(
    app_server: AppServer, page: Page, other_page: Page
) -> None:
    """The attacker's grant, opened by the victim's browser, signs the victim into nothing (no login CSRF)."""
    page.route("**/api/auth/complete?**", lambda route: route.abort())  # the attacker keeps the grant
    page.goto(f"{app_server.url}/login")
    page.get_by_label("Email or username").fill("farid")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_request("**/api/auth/complete?**") as asked:
        page.get_by_role("button", name="Sign in", exact=True).click()
    grant_url = asked.value.url

    other_page.goto(grant_url)

    expect(other_page.get_by_role("alert")).to_contain_text(OTHER_BROWSER)
    assert session_cookies(other_page.context) == []

    page.unroute("**/api/auth/complete?**")
    page.goto(grant_url)  # the browser that asked still holds the nonce, and the grant is unspent
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome( back)?, Farid Haddad"))).to_be_visible()


def test_sign_out_by_get_or_from_another_site_changes_nothing(app_server: AppServer, page: Page) -> None:
    sign_in(page, app_server.url, "bob", DEMO_PASSWORD)
    [cookie] = session_cookies(page.context)

    # Not a route for GET (the static server answers 404 where Starlette alone says 405): a link signs nobody out.
    assert page.goto(f"{app_server.url}/api/auth/sign-out").status in (404, 405)  # type: ignore[union-attr]
    cross_site = httpx.post(
        f"{app_server.url}/api/auth/sign-out",
        headers={"Origin": "https://evil.example", "Cookie": f"jtbd_session={cookie['value']}"},
    )
    assert cross_site.status_code == 403 and "did not come from this site" in cross_site.text

    page.goto(f"{app_server.url}/")
    expect(page.get_by_role("heading", name=GREETING)).to_be_visible()
    page.get_by_role("button", name="Sign out", exact=True).first.click()  # the app's own button: a same-origin POST
    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()
    assert session_cookies(page.context) == []
