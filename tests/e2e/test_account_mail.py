"""Mailed account links in a browser, through a real SMTP server: confirming the address given at sign-up, and
resetting a forgotten password (which signs out every device)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.app_server import AppServer, free_port, start_app, stop_app
from tests.support.browser import (
    FIRST_GREETING,
    SignUpForm,
    expect_field_message,
    fill_sign_up,
    sign_in,
    unique_username,
)
from tests.support.smtp_server import LocalSmtpServer

PASSWORD = "a-long-enough-password"


@dataclass
class MailApp:
    app: AppServer
    smtp: LocalSmtpServer


@pytest.fixture(scope="module")
def mail_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailApp]:
    workdir = tmp_path_factory.mktemp("mail-app")
    smtp = LocalSmtpServer(free_port()).start()
    app = start_app(
        workdir=workdir,
        extra_env={
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMTP_SECURITY": "none",
            "SMTP_FROM": "JTBD Marketplace <no-reply@jtbd.example>",
            "SMTP_TIMEOUT": "5",
            # Its own frontend build: the build bakes in the port (see test_oidc_sign_in.py).
            "REFLEX_WEB_WORKDIR": str(workdir / ".web"),
        },
    )
    yield MailApp(app, smtp)
    stop_app(app)
    smtp.stop()


def mailed_link(smtp: LocalSmtpServer, address: str, path: str, timeout: float = 45) -> str:
    """The link to `path` in the first mail that reached `address` with one (the app sends every few seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in smtp.received:
            found = re.search(rf"https?://\S+{path}\?token=[\w-]+", received.message.get_content())
            if address in received.recipients and found:
                return found.group(0)
        time.sleep(0.5)
    raise AssertionError(f"no mail with a {path} link reached {address}")


def mailed_text(smtp: LocalSmtpServer, address: str, subject: str, timeout: float = 45) -> str:
    """The body of the first mail with this subject that reached `address`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in smtp.received:
            if address in received.recipients and received.message["Subject"] == subject:
                return str(received.message.get_content())
        time.sleep(0.5)
    raise AssertionError(f"no mail {subject!r} reached {address}")


def reset_link(smtp: LocalSmtpServer, address: str) -> str:
    return mailed_link(smtp, address, "/reset-password")


def check_inbox_text(address: str) -> str:
    return f"Check your inbox at {address}. We sent a mail there"


def sign_up_by_mail(page: Page, app: MailApp, prefix: str, display_name: str) -> str:
    """Sign up, open the mailed link, and sign in with the password on the page it opens; returns the username."""
    username = unique_username(prefix)
    address = f"{username}@example.com"
    page.goto(f"{app.app.url}/signup")
    fill_sign_up(page, SignUpForm(address, username, display_name, PASSWORD))
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status").filter(has_text=check_inbox_text(address))).to_be_visible()
    page.goto(mailed_link(app.smtp, address, "/verify-email"))
    expect(page.get_by_role("status").filter(has_text="Your email address is confirmed. Sign in")).to_be_visible()
    form = page.get_by_role("form", name="Sign in")
    form.get_by_label("Email or username").fill(address)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=FIRST_GREETING)).to_be_visible(timeout=20_000)
    return username


def test_a_new_member_signs_in_only_after_opening_the_mailed_link(mail_app: MailApp, page: Page) -> None:
    base = mail_app.app.url
    username = unique_username("confirm")
    address = f"{username}@example.com"
    page.goto(f"{base}/signup")
    fill_sign_up(page, SignUpForm(address, username, "Cody Confirm", PASSWORD))
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status").filter(has_text=check_inbox_text(address))).to_be_visible()
    page.goto(base)
    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()  # not signed in

    page.goto(f"{base}/login")
    page.get_by_label("Email or username").fill(address)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Just signed up? Open the link we mailed you first.")

    page.goto(mailed_link(mail_app.smtp, address, "/verify-email"))
    expect(page.get_by_role("status").filter(has_text="Your email address is confirmed. Sign in")).to_be_visible()
    form = page.get_by_role("form", name="Sign in")
    form.get_by_label("Email or username").fill(username)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Cody Confirm")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Confirm your email address to get notifications by mail")).to_have_count(0)


def test_signing_up_with_a_known_address_answers_the_same_and_mails_its_owner(
    mail_app: MailApp, page: Page, other_page: Page
) -> None:
    base = mail_app.app.url
    owner = sign_up_by_mail(other_page, mail_app, "owner", "Olive Owner")
    address = f"{owner}@example.com"
    page.goto(f"{base}/signup")
    fill_sign_up(page, SignUpForm(address, unique_username("copycat"), "Copy Cat", "another-long-password"))
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status").filter(has_text=check_inbox_text(address))).to_be_visible()
    expect(page.get_by_text("already exists")).to_have_count(0)

    notice = mailed_text(mail_app.smtp, address, "Someone tried to create an account with your address")
    assert f"{base}/login" in notice and f"{base}/reset-password" in notice
    page.goto(base)
    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()  # not signed in


def test_a_member_resets_a_forgotten_password_by_mail(mail_app: MailApp, browser: Browser, page: Page) -> None:
    base = mail_app.app.url
    username = sign_up_by_mail(page, mail_app, "forgetful", "Fran Forgetful")
    other = browser.new_context().new_page()
    other.goto(f"{base}/login")
    other.get_by_role("link", name="Forgot your password?").click()
    expect(other.get_by_role("heading", name="Reset your password")).to_be_visible()
    other.get_by_label("Email").fill("not-an-address")
    other.get_by_role("button", name="Send reset link").click()
    expect_field_message(other.get_by_label("Email"), "Enter a valid email address")
    other.get_by_label("Email").fill(f"{username}@example.com")
    other.get_by_role("button", name="Send reset link").click()
    expect(other.get_by_text("If an account uses that address, we have sent it a link.")).to_be_visible()

    other.goto(reset_link(mail_app.smtp, f"{username}@example.com"))
    other.get_by_label("New password").fill("short")
    other.get_by_role("button", name="Set new password").click()
    expect_field_message(other.get_by_label("New password"), "Use at least 10 characters.")
    other.get_by_label("New password").fill("my-brand-new-password")
    other.get_by_role("button", name="Set new password").click()
    expect(other.get_by_text("Your password is changed and every device was signed out.")).to_be_visible()
    other.get_by_role("link", name="Sign in with your new password").click()
    sign_in(other, base, username, "my-brand-new-password")

    page.reload()  # the device that was signed in before the reset is signed out
    expect(page.get_by_role("heading", name="Get jobs done, not people hired.")).to_be_visible()
    other.context.close()


def test_a_used_link_is_refused(mail_app: MailApp, page: Page) -> None:
    base = mail_app.app.url
    username = sign_up_by_mail(page, mail_app, "twice", "Tess Twice")
    page.goto(f"{base}/reset-password")
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_role("button", name="Send reset link").click()
    link = reset_link(mail_app.smtp, f"{username}@example.com")
    page.goto(link)
    page.get_by_label("New password").fill("first-new-password")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("status").filter(has_text="Your password is changed")).to_be_visible()
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("This reset link is invalid, used or expired.")


def test_without_mail_the_page_says_how_to_get_help(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_text("Password reset by email is not set up on this server.")).to_be_visible()
