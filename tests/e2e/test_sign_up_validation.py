"""Sign-up refuses bad input field by field, creates nothing, and accepts the corrected form."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import GREETING, SignUpForm, expect_field_message, fill_sign_up, unique_username

GOOD_PASSWORD = "a-long-enough-password"


@dataclass(frozen=True)
class BadInput:
    name: str
    field: str  # the label of the field that gets the message
    bad: dict[str, Any]  # what the visitor first types instead of the good value
    message: str


CASES = [
    BadInput("bad email", "Email", {"email": "not-an-email"}, "Enter a valid email address"),
    BadInput("taken username", "Username", {"username": "alice"}, "That username is taken."),
    BadInput("short password", "Password", {"password": "short"}, "Use at least 10 characters."),
    BadInput(
        "terms not accepted",
        "I have read and accept the JTBD Marketplace terms of service (version 1)",
        {"accept_terms": False},
        "Please read and accept the current terms of service.",
    ),
    BadInput(
        "hostile display name",
        "Display name",
        {"display_name": "<script>alert(1)</script>"},
        "Display name cannot contain < or >.",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_sign_up_with_bad_input_shows_a_message_by_the_field_creates_nothing_and_succeeds_once_fixed(
    app_server: AppServer, page: Page, case: BadInput
) -> None:
    username = unique_username("joiner")
    good = SignUpForm(
        email=f"{username}@example.com", username=username, display_name="Jo Iner", password=GOOD_PASSWORD
    )
    page.goto(f"{app_server.url}/signup")

    fill_sign_up(page, replace(good, **case.bad))
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("alert")).to_have_count(1)
    expect(page.get_by_role("alert")).to_contain_text(case.message)
    expect_field_message(page.get_by_label(case.field, exact=True), case.message)
    expect(page.get_by_role("heading", name=GREETING)).to_have_count(0)

    profile = page.context.new_page()
    profile.goto(f"{app_server.url}/u/{username}")
    expect(profile.get_by_role("heading", name="Member not found")).to_be_visible()
    profile.close()

    # The untouched email or username is reused, so success also proves the first try stored nothing.
    fill_sign_up(page, good)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Welcome, Jo Iner")).to_be_visible()
