"""Money bugs the random sequences of test_money_properties found, each kept as a worked example."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import JournalEntry, Payment, ScheduledJob, utcnow
from jtbd_app.services.contracts import funding, payment_events
from jtbd_app.services.ports import GatewayEvent
from tests.support.contracts import agreed_contract, fund, run_jobs
from tests.support.gateways import ScriptedGateway
from tests.support.members import make_user


def test_the_refund_webhook_of_a_returned_double_payment_leaves_the_funded_contract_alone(db: Session) -> None:
    # Given a contract funded by one of two payments made at once, the other one refunded by the scheduled job
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="100")
    gateway = ScriptedGateway()
    gateway.yield_first = True

    async def two_clicks() -> None:
        await asyncio.gather(
            *(
                funding.fund_contract(
                    session_factory=session_scope,
                    gateway=gateway,
                    viewer=deal.client,
                    contract_id=deal.contract_id,
                    test_card="4242424242424242",
                )
                for _ in range(2)
            )
        )

    asyncio.run(two_clicks())
    run_jobs(gateway, now=utcnow())
    returned = db.exec(select(Payment).where(Payment.status == "returned")).one()
    assert returned.external_id is not None

    # When the gateway's charge.refunded webhook for that returned payment arrives (it always follows our refund)
    with session_scope() as session:
        said = payment_events.HANDLERS["charge.refunded"](
            session,
            GatewayEvent(
                id="evt_1",
                kind="charge.refunded",
                object_id="re_1",
                amount_minor=returned.amount_minor,
                related_id=returned.external_id,
            ),
        )

    # Then the contract stays funded and its escrow is not refunded
    db.expire_all()
    assert said == "already refunded"
    assert deal.load().status == "funded"
    assert db.exec(select(JournalEntry).where(JournalEntry.kind == "refund")).all() == []


@pytest.mark.parametrize("answer", ["payment_intent.payment_failed", "none (the card window was closed)"])
def test_a_contract_whose_payment_was_being_confirmed_at_the_deadline_expires_once_that_is_over(
    answer: str, db: Session
) -> None:
    # Given an agreed contract whose client started a card payment ten minutes before the funding deadline
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="100")
    gateway = ScriptedGateway()
    gateway.confirm_by_webhook = True
    started = fund(deal, gateway, "4242424242424242")
    assert started.status == "requires_action"
    deadline = deal.load().funding_expires_at
    assert deadline is not None
    with session_scope() as session:
        payment = session.exec(select(Payment)).one()
        payment.created_at = deadline - timedelta(minutes=10)
        session.add(payment)
        external_id = payment.external_id
    assert external_id is not None

    # When the deadline passes while the gateway has not answered yet
    run_jobs(gateway, now=deadline + timedelta(minutes=1))

    # Then the contract waits for the gateway's word
    assert deal.load().status == "awaiting_funding"

    # When the payment then fails (or is never answered) and an hour passes
    if answer == "payment_intent.payment_failed":
        with session_scope() as session:
            payment_events.HANDLERS[answer](
                session, GatewayEvent(id="evt_1", kind=answer, object_id=external_id, failure_message="Declined.")
            )
    run_jobs(gateway, now=deadline + timedelta(hours=1))

    # Then the contract expires after all, and no expiry is left waiting
    assert deal.load().status == "expired"
    db.expire_all()
    assert db.exec(select(ScheduledJob).where(ScheduledJob.status == "pending")).all() == []
