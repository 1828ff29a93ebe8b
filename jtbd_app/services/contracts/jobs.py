"""The scheduled jobs of contracts, by kind: each looks at the contract as it is now and does only what is due."""

from __future__ import annotations

from typing import cast

from jtbd_app.services.contracts import cancellation, deliveries, payouts, reviews, verification
from jtbd_app.services.ports import DeliveryReviewer, LinkChecker, PaymentGateway
from jtbd_app.services.scheduler import JobContext, JobHandler


def _delivery_number(key: str) -> int:
    return int(key.rsplit(":", 1)[1])


def _gateway(context: JobContext) -> PaymentGateway:
    return cast(PaymentGateway, context.ports["gateway"])


async def _expire_unfunded(context: JobContext) -> str:
    assert context.contract_id is not None
    with context.session_factory() as session:
        return cancellation.expire_unfunded(session, contract_id=context.contract_id, now=context.now)


async def _auto_release(context: JobContext) -> str:
    assert context.contract_id is not None
    with context.session_factory() as session:
        outcome = deliveries.auto_release(
            session, contract_id=context.contract_id, delivery_number=_delivery_number(context.key), now=context.now
        )
    return outcome


async def _release_reminder(context: JobContext) -> str:
    assert context.contract_id is not None
    with context.session_factory() as session:
        return deliveries.remind_release(
            session, contract_id=context.contract_id, delivery_number=_delivery_number(context.key)
        )


async def _deadline_passed(context: JobContext) -> str:
    assert context.contract_id is not None
    with context.session_factory() as session:
        return deliveries.deadline_passed(session, contract_id=context.contract_id, now=context.now)


async def _send_payout(context: JobContext) -> str:
    payout_id = int(context.key.split(":")[1])
    return await payouts.send_payout(
        session_factory=context.session_factory, gateway=_gateway(context), payout_id=payout_id
    )


async def _refund_payment(context: JobContext) -> str:
    payment_id = int(context.key.split(":")[1])
    return await cancellation.refund_surplus_payment(
        session_factory=context.session_factory, gateway=_gateway(context), payment_id=payment_id
    )


async def _close_review_window(context: JobContext) -> str:
    assert context.contract_id is not None
    with context.session_factory() as session:
        published = reviews.publish_due_reviews(session, contract_id=context.contract_id, now=context.now)
    return f"{published} review(s) published"


async def _verify_delivery(context: JobContext) -> str:
    """verify_delivery:D, with the ports bootstrap gives the scheduler ("link_checker"; "reviewer" when a model is
    configured); without them the items they would check stay unknown."""
    assert context.contract_id is not None
    return await verification.verify_delivery(
        session_factory=context.session_factory,
        link_checker=cast(LinkChecker | None, context.ports.get("link_checker")),
        reviewer=cast(DeliveryReviewer | None, context.ports.get("reviewer")),
        contract_id=context.contract_id,
        delivery_id=int(context.key.rsplit(":", 1)[1]),
    )


HANDLERS: dict[str, JobHandler] = {
    "expire_unfunded": _expire_unfunded,
    "auto_release": _auto_release,
    "release_reminder": _release_reminder,
    "deadline_passed": _deadline_passed,
    "revision_due": _deadline_passed,  # the same rule, at a revision's due date
    "send_payout": _send_payout,
    "refund_payment": _refund_payment,
    "close_review_window": _close_review_window,
    verification.JOB_KIND: _verify_delivery,
}
