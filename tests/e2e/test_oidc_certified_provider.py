"""Sign-in through an OpenID Certified provider no one here wrote (panva's oidc-provider from npm, on Node).

A verified email equal to a member's never signs in as that member: the member connects the provider from
Settings while signed in, and only then does it sign them in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.support.app_server import AppServer, free_port, start_app, stop_app
from tests.support.panva_oidc_provider import PanvaAccount, PanvaProvider

LABEL = "Certified OIDC"
GRACE = PanvaAccount("grace.hopper@example.net", "grace-at-the-provider", "panva-grace", "Grace Hopper")
# The provider vouches for these addresses (email_verified=true); both belong to members of the app.
ALICE_THERE = PanvaAccount("alice@example.com", "alice-at-the-provider", "panva-alice", "Alice (provider)")
ADMIN_THERE = PanvaAccount("admin@example.com", "admin-at-the-provider", "panva-admin", "Not The Admin")
DEMO_PASSWORD = "demo-password"


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, PanvaProvider]]:
    workdir = tmp_path_factory.mktemp("panva-app")
    port = free_port()
    provider = PanvaProvider(
        redirect_uri=f"http://localhost:{port}/api/auth/oidc/oidc/callback",
        accounts=[GRACE, ALICE_THERE, ADMIN_THERE],
        log_path=workdir / "oidc-provider.log",
    ).start()
    try:
        server = start_app(
            workdir=workdir,
            port=port,
            extra_env={
                "OIDC_ISSUER": provider.issuer,
                "OIDC_CLIENT_ID": provider.client_id,
                "OIDC_CLIENT_SECRET": provider.client_secret,
                "OIDC_LABEL": LABEL,
                "REFLEX_WEB_WORKDIR": str(workdir / ".web"),  # its own build: the build bakes in the port
            },
        )
        try:
            yield server, provider
        finally:
            stop_app(server)
    finally:
        provider.stop()


def session_cookies(context: BrowserContext) -> list[dict]:
    return [dict(c) for c in context.cookies() if c["name"] == "jtbd_session"]


def sign_in_at_the_provider(page: Page, app: AppServer, provider: PanvaProvider, account: PanvaAccount) -> None:
    """From /login: the provider's button, its login form, its consent page."""
    page.goto(f"{app.url}/login")
    page.get_by_role("link", name=f"Continue with {LABEL}").click()
    log_in_and_consent(page, provider, account)


def log_in_and_consent(page: Page, provider: PanvaProvider, account: PanvaAccount) -> None:
    expect(page).to_have_url(re.compile(re.escape(f"{provider.issuer}/interaction/")))
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()


def test_a_person_signs_in_through_the_certified_provider(
    certified: tuple[AppServer, PanvaProvider], page: Page
) -> None:
    app, provider = certified

    sign_in_at_the_provider(page, app, provider, GRACE)

    expect(page.get_by_role("heading", name="Welcome back, Grace Hopper")).to_be_visible()
    expect(page).to_have_url(f"{app.url}/")
    [cookie] = session_cookies(page.context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"


def test_a_verified_email_of_a_member_does_not_sign_in_as_them_until_they_connect_it(
    certified: tuple[AppServer, PanvaProvider], page: Page
) -> None:
    app, provider = certified

    sign_in_at_the_provider(page, app, provider, ALICE_THERE)

    expect(page.get_by_role("alert")).to_contain_text(
        "An account with this email address already exists. Sign in with your password first"
    )
    assert session_cookies(page.context) == []

    # Alice proves the account with her password, then connects the provider from Settings.
    page.get_by_label("Email or username").fill("alice")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Welcome back, Alice Martin")).to_be_visible()
    page.goto(f"{app.url}/settings")
    page.get_by_role("link", name=f"Connect {LABEL}").click()
    # Still signed in at the provider from the first attempt, it may send her straight back or ask again.
    page.wait_for_url(re.compile(rf"({re.escape(provider.issuer)}/interaction/|/settings)"))
    if page.url.startswith(provider.issuer):
        page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("status")).to_contain_text("The sign-in provider is connected")
    expect(page.get_by_text(f"{LABEL}: connected")).to_be_visible()

    page.get_by_role("button", name="Sign out", exact=True).first.click()
    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()
    assert session_cookies(page.context) == []
    page.goto(f"{app.url}/login")
    page.get_by_role("link", name=f"Continue with {LABEL}").click()
    page.wait_for_url(re.compile(rf"({re.escape(provider.issuer)}/interaction/|{re.escape(app.url)}/$)"))
    if page.url.startswith(provider.issuer):
        page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Welcome back, Alice Martin")).to_be_visible()


def test_the_admins_email_at_a_provider_never_signs_in_as_the_admin(
    certified: tuple[AppServer, PanvaProvider], page: Page
) -> None:
    app, provider = certified

    sign_in_at_the_provider(page, app, provider, ADMIN_THERE)

    expect(page.get_by_role("alert")).to_contain_text("Admin accounts sign in with their password only")
    assert session_cookies(page.context) == []
