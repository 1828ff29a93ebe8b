"""Playwright with Debian's Chromium (Playwright's own browser download cannot run here)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Playwright, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def unique_username(prefix: str) -> str:
    """A fresh username (valid for sign-up) so that each test owns its own account."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# The dashboard's heading: "Welcome, Ann" on a member's first visit before they did anything, "Welcome back" after.
GREETING = re.compile(r"^Welcome( back)?, ")
FIRST_GREETING = re.compile(r"^Welcome, ")


def sign_in(page: Page, base_url: str, identifier: str, password: str) -> None:
    """Sign in through the form as a person would, and wait for the dashboard."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Email or username").fill(identifier)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name=GREETING)).to_be_visible(timeout=20_000)


@dataclass(frozen=True)
class SignUpForm:
    email: str
    username: str
    display_name: str
    password: str
    accept_terms: bool = True


def fill_sign_up(page: Page, form: SignUpForm) -> None:
    """Fill the sign-up form (already open) the way a visitor would."""
    expect(page.get_by_text("(version 1)")).to_be_visible()
    page.get_by_label("Email", exact=True).fill(form.email)
    page.get_by_label("Username", exact=True).fill(form.username)
    page.get_by_label("Display name", exact=True).fill(form.display_name)
    page.get_by_label("Password", exact=True).fill(form.password)
    page.get_by_label("I have read and accept").set_checked(form.accept_terms)


def expect_field_message(field: Locator, message: str) -> None:
    """The field carries the message as its accessible description (aria-describedby)."""
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))


def sign_up_new_member(page: Page, base_url: str, prefix: str, display_name: str) -> str:
    """A brand-new member, signed up through the form and signed in; returns the username."""
    username = unique_username(prefix)
    page.goto(f"{base_url}/signup")
    fill_sign_up(page, SignUpForm(f"{username}@example.com", username, display_name, "a-long-enough-password"))
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name=FIRST_GREETING)).to_be_visible(timeout=20_000)
    return username


# Roles a person operates; each must have an accessible name (a label, its text, or aria-label).
CONTROL_ROLES = "button|link|textbox|searchbox|combobox|checkbox|radio|radiogroup|switch|slider|spinbutton|tab|menuitem"
_UNNAMED_CONTROL = re.compile(rf"^\s*- (?:{CONTROL_ROLES})(?: \[[^\]]*\])*:?\s*$")


def unnamed_controls(page: Page) -> list[str]:
    """Controls in the page's accessibility tree without an accessible name (an empty list is the goal)."""
    snapshot = page.locator("body").aria_snapshot()
    return [line.strip() for line in snapshot.splitlines() if _UNNAMED_CONTROL.match(line)]


def wider_than_the_screen(page: Page, within: str = "main") -> list[str]:
    """Visible elements in `within` (a CSS selector: the main region unless told) that reach past the right edge of
    the viewport (text cut off or a sideways scroll)."""
    found: list[str] = page.evaluate(
        """(within) => {
            const width = document.documentElement.clientWidth;
            const found = [];
            for (const el of document.querySelectorAll(`${within} *`)) {
                const box = el.getBoundingClientRect();
                if (box.width > 0 && box.height > 0 && box.right > width + 1) {
                    found.push(`${el.tagName.toLowerCase()}: ${(el.textContent || '').trim().slice(0, 60)}`);
                }
            }
            return found;
        }""",
        within,
    )
    return found


def scrolls_sideways(page: Page) -> bool:
    """Whether the page as a whole is wider than the window (a horizontal scroll bar, or a swipe sideways)."""
    return bool(page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth"))


_RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class PolicyViolations:
    """Content-Security-Policy violations a page reports (its `securitypolicyviolation` events and the console's
    "Refused to ..." errors), recorded from the first script of every document the page loads."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(_RECORD_CSP_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Refused to" in message.text or "Content Security Policy" in message.text:
            self.console.append(message.text)

    def found(self) -> list[str]:
        """Everything reported so far, in the current document and on the console."""
        in_page: list[str] = self.page.evaluate("window.__cspViolations || []")
        return [*in_page, *self.console]


def console_errors(page: Page) -> list[str]:
    """A list that collects, from now on, every error the page logs or throws."""
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", keep)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@contextmanager
def page_without_its_socket(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context whose websocket to the app (`/_event`) is held: the server never hears from it, so
    the page shows only what was served and what its scripts do alone."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.route_web_socket(re.compile(r"/_event"), lambda ws: None)
        yield page
    finally:
        context.close()
