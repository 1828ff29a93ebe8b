"""Money bugs the random sequences of test_money_properties found, each kept as a worked example."""

from __future__ import annotations

import asyncio

from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import JournalEntry, Payment, utcnow
from jtbd_app.services import contract_funding, contract_jobs, payment_events, scheduler
from jtbd_app.services.ports import GatewayEvent
from tests.support.contracts import agreed_contract
from tests.support.gateways import ScriptedGateway
from tests.unit.conftest import make_user


def test_the_refund_webhook_of_a_returned_double_payment_leaves_the_funded_contract_alone(db: Session) -> None:
    # Given a contract funded by one of two payments made at once, the other one refunded by the scheduled job
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="100")
    gateway = ScriptedGateway()
    gateway.yield_first = True

    async def two_clicks() -> None:
        await asyncio.gather(
            *(
                contract_funding.fund_contract(
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
    asyncio.run(
        scheduler.run_due_jobs(session_scope, handlers=contract_jobs.HANDLERS, ports={"gateway": gateway}, now=utcnow())
    )
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
