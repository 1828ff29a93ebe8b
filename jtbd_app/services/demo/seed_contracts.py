"""Demo contracts, walked through the real services: one completed and reviewed, one funded and in progress, and one
delivered and disputed by its client (the contractor's answer is due), so the dispute pages have a case to show.

Funding uses the sandbox's own record path (a test-money payment the sandbox gateway approved), so the demo wallet
and profiles show real ledger figures from the first start.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from jtbd_app.models import Payment, utcnow
from jtbd_app.services.contracts import deliveries, funding, lifecycle, payouts, reviews
from jtbd_app.services.marketplace import bids, listings
from jtbd_app.services.trust import disputes
from jtbd_app.services.viewer import Viewer

# client, contractor, title, category, skills, price, days, description
Spec = tuple[str, str, str, str, list[str], str, int, str]
DEMO_CONTRACTS: list[Spec] = [
    (
        "alice",
        "bob",
        "Write five product descriptions",
        "writing",
        ["content writing"],
        "250",
        4,
        "Five 150-word descriptions for our new tea range, friendly tone, with SEO keywords we provide.",
    ),
    (
        "jack",
        "liam",
        "Fix the checkout bug on our Shopify store",
        "software",
        ["javascript"],
        "400",
        5,
        "Customers in Canada see the wrong shipping rate at checkout. Find and fix the cause.",
    ),
    (
        "emma",
        "hiro",
        "Translate our onboarding emails into Japanese",
        "writing",
        ["translation"],
        "180",
        3,
        "Six short onboarding emails (about 1,200 words in all) into Japanese, same tone as the English.",
    ),
]


def _contract_for(session: Session, client: Viewer, contractor: Viewer, spec: Spec) -> int:
    _c, _k, title, category, skills, price, days, description = spec
    draft = listings.start_draft(session, viewer=client)
    listings.save_step(
        session,
        viewer=client,
        listing_id=draft,
        step=1,
        values={"title": title, "description": description, "category": category},
    )
    listings.save_step(session, viewer=client, listing_id=draft, step=2, values={"skills": skills})
    deadline = (utcnow().date() + timedelta(days=30)).isoformat()
    listings.save_step(
        session,
        viewer=client,
        listing_id=draft,
        step=3,
        values={"budget": price, "currency": "USD", "deadline": deadline, "remote": True, "location": ""},
    )
    listing_id = listings.publish_listing(session, viewer=client, listing_id=draft)
    message = "I have done this kind of work for years and can start today."
    bid_id = bids.place_bid(
        session,
        viewer=contractor,
        listing_id=listing_id,
        values={"amount": price, "message": message, "delivery_days": str(days)},
    )
    contract_id = bids.accept_bid(session, viewer=client, bid_id=bid_id)
    for who in (client, contractor):
        lifecycle.accept_terms(session, viewer=who, contract_id=contract_id, version=1)
    contract = lifecycle.locked_contract(session, contract_id)
    assert contract is not None
    payment = Payment(
        contract_id=contract_id,
        payer_id=client.user_id,
        gateway="sandbox",
        amount_minor=contract.amount_minor,
        currency=contract.currency,
        external_id=f"sbx_pay_demo_{contract_id}",
    )
    session.add(payment)
    session.flush()
    funding.record_payment_succeeded(
        session,
        external_id=f"sbx_pay_demo_{contract_id}",
        charge_id=f"sbx_ch_demo_{contract_id}",
        amount_minor=contract.amount_minor,
        currency="USD",
    )
    return contract_id


def seed_contracts(session: Session, people: dict[str, Viewer]) -> None:
    done = _contract_for(session, people["alice"], people["bob"], DEMO_CONTRACTS[0])
    deliveries.submit_delivery(
        session,
        viewer=people["bob"],
        contract_id=done,
        message="All five descriptions are in the linked document.",
        links="https://example.com/tea-descriptions",
    )
    deliveries.approve_delivery(session, viewer=people["alice"], contract_id=done)
    for payout_id in payouts.pending_payout_ids(session, user_id=people["bob"].user_id):
        payouts.record_transfer(session, payout_id=payout_id, transfer_id=f"sbx_tr_demo_{payout_id}")
    reviews.leave_review(
        session,
        viewer=people["alice"],
        contract_id=done,
        rating=5,
        body="Fast, friendly and exactly the tone we wanted.",
    )
    reviews.leave_review(
        session, viewer=people["bob"], contract_id=done, rating=5, body="Clear brief and quick answers. A pleasure."
    )
    _contract_for(session, people["jack"], people["liam"], DEMO_CONTRACTS[1])
    disputed = _contract_for(session, people["emma"], people["hiro"], DEMO_CONTRACTS[2])
    deliveries.submit_delivery(
        session,
        viewer=people["hiro"],
        contract_id=disputed,
        message="All six emails are translated in the linked document.",
        links="https://example.com/onboarding-ja",
    )
    disputes.open_dispute(
        session,
        viewer=people["emma"],
        contract_id=disputed,
        reason_code="not_as_described",
        reason_text="Two of the six emails are machine translations with mistakes; the brief asked for a human "
        "translation in our tone.",
        outcome_wanted="partial_refund",
        refund_minor=6000,
    )
