"""A client pays a contract by card through Stripe Elements, against localstripe: a second app with Stripe on (the
`stripe_app` fixture), its own build and database, Stripe.js being localstripe's stand-in (patched to confirm with the
typed card, as Stripe.js does), and localstripe's signed webhooks delivered to the app. The escrow is funded by the
webhook alone."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect
from sqlmodel import col, select

from jtbd_app.db import session_scope
from jtbd_app.models import JournalEntry, Payment
from tests.support.app_server import AppServer
from tests.support.browser import PolicyViolations, expect_field_message, sign_in
from tests.support.card_field import type_card, wait_for
from tests.support.contracts import Deal, agreed_contract
from tests.support.members import sign_up

PASSWORD = "a-long-enough-password"
TEST_MONEY = "Test money: the sandbox gateway is on"


def a_contract_awaiting_funding() -> tuple[Deal, str]:
    """Two new members agreed a $100.00 contract (through the services); returns it and the client's username."""
    names = [f"{role}-{uuid.uuid4().hex[:8]}" for role in ("client", "maker")]
    members = []
    for name in names:
        with session_scope() as session:
            members.append(sign_up(session, name, password=PASSWORD))
    return agreed_contract(*members, price="100"), names[0]


def payments_of(deal: Deal) -> list[Payment]:
    with session_scope() as session:
        return list(session.exec(select(Payment).where(Payment.contract_id == deal.contract_id)).all())


def test_a_declined_card_then_a_good_one_funds_the_escrow_through_the_webhook(
    stripe_app: AppServer, stripe_app_database: None, page: Page
) -> None:
    deal, client = a_contract_awaiting_funding()
    violations = PolicyViolations(page)  # Stripe.js and its card field run under the Content-Security-Policy
    sign_in(page, stripe_app.url, client, PASSWORD)
    page.goto(f"{stripe_app.url}/contracts/{deal.contract_id}")
    expect(page.get_by_role("heading", name=re.compile(r"^Contract #\d+$"))).to_be_visible()
    expect(page.get_by_role("heading", name="Fund the escrow")).to_be_visible()
    expect(page.get_by_text(TEST_MONEY)).to_have_count(0)
    expect(page.get_by_label("Test card number")).to_have_count(0)

    card_field = page.get_by_role("region", name="Card details")
    type_card(card_field, "4000 0000 0000 0002")
    page.get_by_role("button", name="Pay $100.00").click()

    expect_field_message(card_field, "Your card was declined.")
    wait_for(lambda: [p.status for p in payments_of(deal)] == ["failed"])  # localstripe's payment_failed webhook
    assert deal.load().status == "awaiting_funding"

    card_field.get_by_placeholder("number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name="Pay $100.00").click()

    expect(page.get_by_text("Payment submitted; waiting for Stripe to confirm…")).to_be_visible()
    expect(page.get_by_text("Payment received: the escrow is funded")).to_be_visible(timeout=30_000)
    expect(page.get_by_label("Contract summary")).to_contain_text("$100.00")
    expect(page.get_by_role("button", name="Pay $100.00")).to_have_count(0)
    assert deal.load().status == "funded"
    paid = [p for p in payments_of(deal) if p.status == "succeeded"]
    assert len(paid) == 1 and (paid[0].external_id or "").startswith("pi_")
    with session_scope() as session:
        entries = session.exec(
            select(JournalEntry).where(JournalEntry.contract_id == deal.contract_id, col(JournalEntry.kind) == "fund")
        ).all()
    assert [e.memo for e in entries] == [f"Escrow funded ({paid[0].external_id})"]
    assert violations.found() == []
