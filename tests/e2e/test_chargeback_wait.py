"""A chargeback the card issuer has not decided yet holds a disputed contract (issue 16, found by the money
sequences), in Chromium against the app with Stripe on: the client paid by card through localstripe, disputed the
delivery here and charged the card back at the issuer; Stripe's signed `charge.dispute.*` events reach the webhook
route. While the issuer decides, the parties' settlement offer is refused next to its field and the administrator's
decision at its review step, and nothing moves; once the issuer decides for the platform, the administrator
decides as before."""

from __future__ import annotations

import json
import uuid

import httpx
from playwright.sync_api import Page, expect
from sqlmodel import select

from jtbd_app.adapters.payments_stripe import StripeGateway
from jtbd_app.db import read_scope, session_scope
from jtbd_app.models import Dispute, FreezeDecision, Payment
from jtbd_app.services.trust import user_admin
from tests.support.app_server import AppServer
from tests.support.browser import unnamed_controls
from tests.support.contract_journey import (
    contract_in,
    contract_status,
    contract_url,
    data_row,
    new_member,
    open_contract,
    sign_in_as,
)
from tests.support.disputes import disputed_contract
from tests.support.localstripe_server import SECRET_KEY, WEBHOOK_SECRET, LocalStripe, stripe_signature

PARTY_TOLD = "The client's card payment is disputed at the card issuer, which has not decided yet"
ADMIN_TOLD = "The client disputed this card payment with their card issuer, which has not decided yet"


def send_dispute_event(app: AppServer, payment: Payment, stage: str, *, dispute_id: str, status: str) -> None:
    """Stripe's signed `charge.dispute.<stage>` event for the card payment, as Stripe posts it to the webhook route."""
    body = json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex[:16]}",
            "object": "event",
            "type": f"charge.dispute.{stage}",
            "data": {
                "object": {
                    "id": dispute_id,
                    "object": "dispute",
                    "amount": payment.amount_minor,
                    "currency": payment.currency.lower(),
                    "charge": payment.charge_id,
                    "payment_intent": payment.external_id,
                    "status": status,
                }
            },
        }
    ).encode()
    answer = httpx.post(
        f"{app.url}/api/stripe/webhook",
        content=body,
        headers={"Stripe-Signature": stripe_signature(body), "Content-Type": "application/json"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text


def test_a_dispute_waits_for_the_card_issuers_decision_then_the_administrator_decides(
    stripe_app: AppServer, stripe_app_database: None, stripe_server: LocalStripe, page: Page, other_page: Page
) -> None:
    base = stripe_app.url
    client, contractor = new_member("una", "Una Client"), new_member("vic", "Vic Maker")
    gateway = StripeGateway(secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET, api_base=stripe_server.url)
    deal = disputed_contract(contract_in("awaiting_funding", client, contractor, price="100"), gateway=gateway)
    with read_scope() as session:
        payment = session.exec(select(Payment).where(Payment.contract_id == deal.contract_id)).one()
    assert payment.status == "succeeded" and payment.charge_id
    admin = new_member("ada", "Ada Admin")
    with session_scope() as session:
        user_admin.promote_by_email(session, email=admin.user.email)

    # The client charges the card back: Stripe opens a card dispute and withdraws the money
    dispute_id = f"dp_{uuid.uuid4().hex[:16]}"
    send_dispute_event(stripe_app, payment, "created", dispute_id=dispute_id, status="needs_response")
    send_dispute_event(stripe_app, payment, "funds_withdrawn", dispute_id=dispute_id, status="needs_response")

    # The contractor offers a split: refused next to the offer's field, and no offer reaches the client
    sign_in_as(other_page, base, contractor)
    open_contract(other_page, contract_url(base, deal))
    theirs = other_page.get_by_role("region", name="Dispute")
    offer = theirs.get_by_role("form", name="Offer a settlement")
    offer.get_by_label("Amount to the contractor").fill("70")
    offer.get_by_role("button", name="Offer this split").click()
    expect(offer.get_by_text(PARTY_TOLD)).to_be_visible()
    expect(theirs.get_by_text("Your offer was sent to the other party.")).to_have_count(0)
    assert unnamed_controls(other_page) == []

    # The administrator is told at the review step, before confirming anything; the contract stays on hold
    sign_in_as(page, base, admin)
    page.goto(f"{base}/admin/disputes/{deal.contract_id}")
    form = page.get_by_role("form", name="Decide the dispute")
    form.get_by_label("Release to the contractor").check()
    form.get_by_label("Reason").fill("The work was delivered as the brief asked.")
    form.get_by_role("button", name="Review the decision").click()
    expect(page.get_by_role("alert").filter(has_text=ADMIN_TOLD)).to_be_visible()  # above the form
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    with read_scope() as session:
        assert session.get(FreezeDecision, deal.contract_id) is None
    assert deal.load().release_frozen

    # The issuer decides for the platform: the money is back, and the administrator's decision goes through
    send_dispute_event(stripe_app, payment, "funds_reinstated", dispute_id=dispute_id, status="won")
    send_dispute_event(stripe_app, payment, "closed", dispute_id=dispute_id, status="won")
    assert _dispute_status(dispute_id) == "won"  # the route answers once the event is processed
    form.get_by_role("button", name="Review the decision").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("To the contractor: $100.00")
    dialog.get_by_role("button", name="Confirm the decision").click()
    expect(page.get_by_text("Decided: $100.00 to the contractor").first).to_be_visible()

    open_contract(other_page, contract_url(base, deal))
    expect(contract_status(other_page)).to_have_text("Completed")
    expect(data_row(other_page, "Escrow holds")).to_contain_text("$0.00")


def _dispute_status(dispute_id: str) -> str:
    with read_scope() as session:
        row = session.get(Dispute, dispute_id)
        return row.status if row is not None else ""
