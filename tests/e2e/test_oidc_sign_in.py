"""A person signs in through a local OpenID Connect provider; tampered callbacks end on /login without a session."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.app_server import AppServer, start_app, stop_app
from tests.support.oidc_provider import LocalIdentity, LocalOIDCProvider, click_through

FAILED = "Sign-in with that provider failed. Please try again."
ON_LOGIN_WITH_ERROR = re.compile(r"/login/?\?error=oidc$")  # the static server may add the slash


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory: pytest.TempPathFactory, sso: LocalOIDCProvider) -> Iterator[AppServer]:
    workdir = tmp_path_factory.mktemp("oidc-app")
    server = start_app(
        workdir=workdir,
        extra_env={
            "OIDC_ISSUER": sso.issuer,
            "OIDC_CLIENT_ID": sso.client_id,
            "OIDC_CLIENT_SECRET": sso.client_secret,
            "OIDC_LABEL": "Local SSO",
            # Its own frontend build: the prod server reads .web at request time and the build bakes in the
            # port, so sharing .web with the session's app_server would point one app's pages at the other.
            "REFLEX_WEB_WORKDIR": str(workdir / ".web"),
        },
    )
    yield server
    stop_app(server)


@pytest.fixture
def sso_reset(sso: LocalOIDCProvider) -> LocalOIDCProvider:
    sso.reset()
    return sso


def session_cookies(context: BrowserContext) -> list[dict]:
    return [dict(c) for c in context.cookies() if c["name"] == "jtbd_session"]


def go_to_provider(page: Page, app: AppServer, sso: LocalOIDCProvider) -> None:
    page.goto(f"{app.url}/login")
    page.get_by_role("link", name="Continue with Local SSO").click()
    expect(page).to_have_url(re.compile(re.escape(f"{sso.issuer}/authorize?")))


def test_a_person_signs_in_through_the_local_sso(oidc_app: AppServer, sso_reset: LocalOIDCProvider, page: Page) -> None:
    sso_reset.identity = LocalIdentity(
        sub="grace-1", email="grace.hopper@example.com", name="Grace Hopper", preferred_username="grace.hopper"
    )

    go_to_provider(page, oidc_app, sso_reset)
    page.get_by_role("button", name="Sign in as Grace Hopper").click()

    expect(page.get_by_role("heading", name="Welcome, Grace Hopper")).to_be_visible()
    expect(page).to_have_url(f"{oidc_app.url}/")
    expect(page.get_by_text("Please read and accept them")).to_be_visible()
    [cookie] = session_cookies(page.context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert not [c for c in page.context.cookies() if c["name"] == "jtbd_oidc_state"]
    assert sso_reset.token_requests[-1]["code_verifier"]


def test_a_returning_person_signs_in_again_as_the_same_user(
    oidc_app: AppServer, sso_reset: LocalOIDCProvider, browser: Browser
) -> None:
    sso_reset.identity = LocalIdentity(
        sub="linus-1", email="linus@example.com", name="Linus T", preferred_username="lt"
    )
    for _ in range(2):
        context = browser.new_context()
        page = context.new_page()
        go_to_provider(page, oidc_app, sso_reset)
        page.get_by_role("button", name="Sign in as Linus T").click()
        expect(page.get_by_role("heading", name=re.compile(r"^Welcome( back)?, Linus T"))).to_be_visible()
        context.close()


def test_a_callback_with_a_wrong_state_ends_on_login_without_a_session(
    oidc_app: AppServer, sso_reset: LocalOIDCProvider, page: Page
) -> None:
    go_to_provider(page, oidc_app, sso_reset)

    page.goto(f"{oidc_app.url}/api/auth/oidc/oidc/callback?code=forged&state=not-the-state")

    expect(page).to_have_url(ON_LOGIN_WITH_ERROR)
    expect(page.get_by_role("alert")).to_contain_text(FAILED)
    assert session_cookies(page.context) == []


def test_a_valid_callback_replayed_in_another_browser_is_refused(
    oidc_app: AppServer, sso_reset: LocalOIDCProvider, page: Page, browser: Browser
) -> None:
    sso_reset.identity = LocalIdentity(
        sub="vic-1", email="victim@example.com", name="Vic Tim", preferred_username="vic"
    )
    go_to_provider(page, oidc_app, sso_reset)
    stolen_callback = click_through(page.url)  # a real code and state, issued to `page`'s sign-in
    other = browser.new_context()
    try:
        attacker = other.new_page()
        attacker.goto(stolen_callback)
        expect(attacker).to_have_url(ON_LOGIN_WITH_ERROR)
        expect(attacker.get_by_role("alert")).to_contain_text(FAILED)
        assert session_cookies(other) == []
    finally:
        other.close()

    page.goto(stolen_callback)  # the browser that began the sign-in still can finish it

    expect(page.get_by_role("heading", name="Welcome, Vic Tim")).to_be_visible()


@pytest.mark.parametrize("tamper", ["wrong_nonce", "bad_signature"])
def test_a_tampered_id_token_ends_on_login_without_a_session(
    oidc_app: AppServer, sso_reset: LocalOIDCProvider, page: Page, tamper: str
) -> None:
    sso_reset.tamper = tamper  # type: ignore[assignment]
    sso_reset.identity = LocalIdentity(sub=f"t-{tamper}", email=f"{tamper}@example.com", name="Mallet")

    go_to_provider(page, oidc_app, sso_reset)
    page.get_by_role("button", name="Sign in as Mallet").click()

    expect(page).to_have_url(ON_LOGIN_WITH_ERROR)
    expect(page.get_by_role("alert")).to_contain_text(FAILED)
    assert session_cookies(page.context) == []


def test_cancelling_at_the_provider_ends_on_login(
    oidc_app: AppServer, sso_reset: LocalOIDCProvider, page: Page
) -> None:
    go_to_provider(page, oidc_app, sso_reset)
    page.get_by_role("button", name="Cancel").click()

    expect(page.get_by_role("alert")).to_contain_text(FAILED)
    assert session_cookies(page.context) == []


def test_an_unknown_provider_is_not_found(oidc_app: AppServer) -> None:
    assert httpx.get(f"{oidc_app.url}/api/auth/oidc/nope/login").status_code == 404
    assert httpx.get(f"{oidc_app.url}/api/auth/oidc/google/callback?code=c&state=s").status_code == 404


def test_without_oidc_settings_no_provider_button_is_shown(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/login?error=oidc")

    expect(page.get_by_role("alert")).to_contain_text(FAILED)  # the page's on_load ran
    expect(page.get_by_text("Continue with")).to_have_count(0)
    assert httpx.get(f"{app_server.url}/api/auth/oidc/oidc/login").status_code == 404
