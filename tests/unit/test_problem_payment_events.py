"""A problem's payment through Stripe (the model of Stripe's side in tests/support/gateways.py): the browser confirms
the card, the payment_intent.succeeded webhook funds the problem's escrow and a job posts its listings; events arrive
late, early, twice and out of order, and the books agree with Stripe afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import Payment, utcnow
from jtbd_app.services.accounts import terms
from jtbd_app.services.ledger import journal, reconciliation
from jtbd_app.services.problems.jobs import HANDLERS
from tests.support.contracts import run_jobs, run_now
from tests.support.gateways import StripeModel
from tests.support.members import make_user
from tests.support.problem_money import (
    ProblemDeal,
    deliver_event,
    escrow_of_contract,
    escrow_of_problem,
    fund,
    hire,
    planned,
    return_remainder,
)

BUDGET = 300_000


@pytest.fixture
def stripe() -> StripeModel:
    gateway = StripeModel()
    gateway.confirm_by_webhook = True
    return gateway


def started(deal: ProblemDeal, stripe: StripeModel) -> str:
    """The owner started paying; the browser confirmed the card at Stripe. Returns the PaymentIntent's id."""
    outcome = fund(deal, stripe)
    assert outcome.status == "requires_action"
    [payment] = [p for p in deal.payments() if p.id == outcome.payment_id]
    assert payment.external_id is not None and stripe.confirm(payment.external_id, succeeds=True)
    return payment.external_id


def events(stripe: StripeModel, kind: str) -> list[object]:
    return [e for e in stripe.outbox if e.kind == kind]


def deliver_all(stripe: StripeModel) -> list[str]:
    outcomes = []
    for event in list(stripe.outbox):
        outcomes.append(deliver_event(stripe.name, event))
        stripe.acknowledge(event)
    return outcomes


def the_books_balance(db: Session) -> None:
    assert journal.trial_balance(db) == 0 and journal.cached_balance_mismatches(db) == []


def test_a_card_needing_confirmation_funds_nothing_until_stripe_says_so(stripe: StripeModel) -> None:
    deal = planned(make_user("carol"))

    outcome = fund(deal, stripe)

    assert outcome.status == "requires_action" and outcome.client_secret
    assert deal.load().status == "planned" and escrow_of_problem(deal.problem_id) == 0


def test_the_webhook_funds_the_problem_and_a_job_posts_its_listings(stripe: StripeModel, db: Session) -> None:
    deal = planned(make_user("carol"))
    started(deal, stripe)

    assert deliver_all(stripe) == ["problem funded"]
    assert deal.load().status == "funded" and escrow_of_problem(deal.problem_id) == BUDGET

    run_jobs(stripe, handlers=HANDLERS)

    assert deal.load().status == "published"
    assert all(t.status == "open" and t.listing_id is not None for t in deal.tasks().values())
    the_books_balance(db)


def test_the_success_delivered_twice_funds_the_problem_once(stripe: StripeModel) -> None:
    deal = planned(make_user("carol"))
    started(deal, stripe)
    [succeeded] = stripe.outbox

    first, again = deliver_event(stripe.name, succeeded), deliver_event(stripe.name, succeeded)

    assert (first, again) == ("problem funded", "duplicate")
    assert escrow_of_problem(deal.problem_id) == BUDGET


def test_a_second_payment_that_succeeds_later_is_refunded_not_added_to_the_escrow(
    stripe: StripeModel, db: Session
) -> None:
    deal = planned(make_user("carol"))
    fund(deal, stripe)  # abandoned in the browser ...
    with session_scope() as session:
        for payment in session.exec(select(Payment)).all():
            payment.created_at = utcnow() - timedelta(hours=1)  # ... long enough ago to try again
            session.add(payment)
    second = started(deal, stripe)
    first = next(i for i in stripe.intents if i != second)
    assert stripe.confirm(first, succeeds=True)  # the first one was confirmed after all

    assert sorted(deliver_all(stripe)) == ["payment not needed; refund scheduled", "problem funded"]
    run_jobs(stripe, handlers=HANDLERS)
    deliver_all(stripe)  # charge.refunded of the returned payment

    assert escrow_of_problem(deal.problem_id) == BUDGET
    assert sorted(p.status for p in deal.payments()) == ["returned", "succeeded"]
    assert sum(i.refunded for i in stripe.intents.values()) == BUDGET
    the_books_balance(db)


def test_a_refund_that_arrives_before_the_payments_success_waits_for_it(stripe: StripeModel, db: Session) -> None:
    deal = planned(make_user("carol"))
    intent = started(deal, stripe)
    stripe.dashboard_refund(intent, 50_000)
    [refunded] = events(stripe, "charge.refunded")
    [succeeded] = events(stripe, "payment_intent.succeeded")

    assert deliver_event(stripe.name, refunded) == f"waiting for payment {intent}"  # type: ignore[arg-type]
    assert deliver_event(stripe.name, succeeded) == "problem funded"  # type: ignore[arg-type]

    assert escrow_of_problem(deal.problem_id) == BUDGET - 50_000
    [payment] = deal.payments()
    assert payment.refunded_minor == 50_000
    the_books_balance(db)


def test_a_lost_dispute_takes_what_the_problem_escrow_holds_and_the_rest_is_a_platform_loss(
    stripe: StripeModel, db: Session
) -> None:
    deal = planned(make_user("carol"))
    intent = started(deal, stripe)
    deliver_all(stripe)
    run_jobs(stripe, handlers=HANDLERS)
    cid = hire(deal, "audit", make_user("ken"), price="450")
    stripe.open_dispute(intent)
    stripe.close_dispute(intent, won=False)

    deliver_all(stripe)

    assert escrow_of_problem(deal.problem_id) == 0
    loss = journal.get_account(db, kind="platform_loss", currency="USD")
    assert journal.balance(db, loss) == 45_000  # the contract's escrow keeps its price for the work under way
    assert escrow_of_contract(cid) == 45_000
    the_books_balance(db)


def test_after_funding_hiring_and_a_refund_of_the_remainder_the_ledger_agrees_with_stripe(stripe: StripeModel) -> None:
    deal = planned(make_user("carol"))
    started(deal, stripe)
    deliver_all(stripe)
    run_jobs(stripe, handlers=HANDLERS)
    hire(deal, "audit", make_user("ken"), price="450")
    assert return_remainder(deal, stripe) == 5_000
    deliver_all(stripe)

    report = run_now(reconciliation.reconcile(session_scope, gateway=stripe))  # type: ignore[arg-type]

    assert report.differences == []
    assert escrow_of_problem(deal.problem_id) == BUDGET - 50_000


def test_terms_published_after_the_payment_do_not_hold_back_the_tasks_it_bought(stripe: StripeModel) -> None:
    deal = planned(make_user("carol"))
    started(deal, stripe)
    with session_scope() as session:  # new terms arrive between the card and Stripe's webhook
        terms.publish_terms(session, title="Terms", body="Version two.", summary="Changed.")

    assert deliver_all(stripe) == ["problem funded"]
    run_jobs(stripe, handlers=HANDLERS)

    assert deal.load().status == "published"
    assert all(t.status == "open" and t.listing_id is not None for t in deal.tasks().values())
