"""Sign-in through an OpenID Certified provider no one here wrote (panva's oidc-provider from npm, on Node).

A verified email equal to a member's never signs in as that member: the member proves the account by opening
the link mailed to its address, or by connecting the provider from Settings while signed in.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.support.app_server import AppServer, free_port, start_app, stop_app
from tests.support.panva_oidc_provider import PanvaAccount, PanvaProvider
from tests.support.smtp_server import LocalSmtpServer

LABEL = "Certified OIDC"
GRACE = PanvaAccount("grace.hopper@example.net", "grace-at-the-provider", "panva-grace", "Grace Hopper")
# The provider vouches for these addresses (email_verified=true); each belongs to a member of the app.
ALICE_THERE = PanvaAccount("alice@example.com", "alice-at-the-provider", "panva-alice", "Alice (provider)")
BOB_THERE = PanvaAccount("bob@example.com", "bob-at-the-provider", "panva-bob", "Bob (provider)")
ADMIN_THERE = PanvaAccount("admin@example.com", "admin-at-the-provider", "panva-admin", "Not The Admin")
DEMO_PASSWORD = "demo-password"
SIGNED_OUT = "Get jobs done, not people hired."


@dataclass
class Certified:
    app: AppServer
    provider: PanvaProvider
    smtp: LocalSmtpServer


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Certified]:
    """The provider (its node process), a mail server and the app wired to both; every one stopped afterwards."""
    workdir = tmp_path_factory.mktemp("panva-app")
    port = free_port()
    provider = PanvaProvider(
        redirect_uri=f"http://localhost:{port}/api/auth/oidc/oidc/callback",
        accounts=[GRACE, ALICE_THERE, BOB_THERE, ADMIN_THERE],
        log_path=workdir / "oidc-provider.log",
    ).start()
    smtp = LocalSmtpServer(free_port()).start()
    try:
        server = start_app(
            workdir=workdir,
            port=port,
            extra_env={
                "OIDC_ISSUER": provider.issuer,
                "OIDC_CLIENT_ID": provider.client_id,
                "OIDC_CLIENT_SECRET": provider.client_secret,
                "OIDC_LABEL": LABEL,
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp.port),
                "SMTP_SECURITY": "none",
                "SMTP_FROM": "JTBD Marketplace <no-reply@jtbd.example>",
                "SMTP_TIMEOUT": "5",
                "REFLEX_WEB_WORKDIR": str(workdir / ".web"),  # its own build: the build bakes in the port
            },
        )
        try:
            yield Certified(server, provider, smtp)
        finally:
            stop_app(server)
    finally:
        smtp.stop()
        provider.stop()


def session_cookies(context: BrowserContext) -> list[dict]:
    return [dict(c) for c in context.cookies() if c["name"] == "jtbd_session"]


def continue_with_provider(page: Page, env: Certified, account: PanvaAccount) -> None:
    """From /login: the provider's button, then its login form and consent page if it asks for them."""
    page.goto(f"{env.app.url}/login")
    came_from = page.url
    page.get_by_role("link", name=f"Continue with {LABEL}").click()
    through_the_provider(page, env, account, came_from=came_from)


def through_the_provider(page: Page, env: Certified, account: PanvaAccount, *, came_from: str) -> None:
    """A browser already signed in at the provider may be sent straight back; otherwise log in and allow."""

    def back_in_the_app(url: str) -> bool:
        return url.startswith(env.app.url) and "/api/auth/" not in url and url != came_from

    page.wait_for_url(lambda url: url.startswith(f"{env.provider.issuer}/interaction/") or back_in_the_app(url))
    for _ in range(2):
        if not page.url.startswith(env.provider.issuer):
            break
        if page.get_by_label("Password").count():
            page.get_by_label("Email").fill(account.email)
            page.get_by_label("Password").fill(account.password)
            with page.expect_navigation():
                page.get_by_role("button", name="Sign in").click()
        else:
            with page.expect_navigation():
                page.get_by_role("button", name="Allow").click()
    page.wait_for_url(back_in_the_app)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out", exact=True).first.click()
    expect(page.get_by_role("heading", name=SIGNED_OUT)).to_be_visible()
    assert session_cookies(page.context) == []


def mailed_link(smtp: LocalSmtpServer, address: str, timeout: float = 45) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in smtp.received:
            found = re.search(r"https?://\S+/connect-sign-in\?token=[\w-]+", received.message.get_content())
            if address in received.recipients and found:
                return found.group(0)
        time.sleep(0.5)
    raise AssertionError(f"no connect link reached {address}")


def test_a_person_signs_in_through_the_certified_provider(certified: Certified, page: Page) -> None:
    continue_with_provider(page, certified, GRACE)

    expect(page.get_by_role("heading", name="Welcome, Grace Hopper")).to_be_visible()
    expect(page).to_have_url(f"{certified.app.url}/")
    [cookie] = session_cookies(page.context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"


def test_a_members_email_at_the_provider_signs_in_only_through_the_link_mailed_to_the_member(
    certified: Certified, page: Page
) -> None:
    continue_with_provider(page, certified, ALICE_THERE)

    expect(page.get_by_role("alert")).to_contain_text("An account with this email address already exists.")
    expect(page.get_by_role("alert")).to_contain_text("We mailed that address a link")
    assert session_cookies(page.context) == []

    page.goto(mailed_link(certified.smtp, "alice@example.com"))
    page.get_by_role("button", name=f"Connect {LABEL} and sign in").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome( back)?, Alice Martin"))).to_be_visible()

    sign_out(page)
    continue_with_provider(page, certified, ALICE_THERE)  # connected now: it signs in as Alice
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome( back)?, Alice Martin"))).to_be_visible()


def test_a_member_connects_the_provider_from_settings_and_then_signs_in_with_it(
    certified: Certified, page: Page
) -> None:
    page.goto(f"{certified.app.url}/login")
    page.get_by_label("Email or username").fill("bob")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Welcome back, Bob")).to_be_visible()

    page.goto(f"{certified.app.url}/settings")
    came_from = page.url
    page.get_by_role("link", name=f"Connect {LABEL}").click()
    through_the_provider(page, certified, BOB_THERE, came_from=came_from)
    expect(page.get_by_role("status")).to_contain_text("The sign-in provider is connected")
    expect(page.get_by_text(f"{LABEL}: connected")).to_be_visible()

    sign_out(page)
    continue_with_provider(page, certified, BOB_THERE)
    expect(page.get_by_role("heading", name="Welcome back, Bob")).to_be_visible()


def test_the_admins_email_at_the_provider_never_signs_in_as_the_admin(certified: Certified, page: Page) -> None:
    continue_with_provider(page, certified, ADMIN_THERE)

    expect(page.get_by_role("alert")).to_contain_text("Admin accounts sign in with their password only")
    assert session_cookies(page.context) == []
    assert not [m for m in certified.smtp.received if "admin@example.com" in m.recipients]
