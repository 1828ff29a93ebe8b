"""Worked examples of every money path of a contract, on the sandbox gateway and the real ledger."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.models import (
    Contract,
    JournalEntry,
    Payment,
    Payout,
    Posting,
    Profile,
    ScheduledJob,
    utcnow,
)
from jtbd_app.services.contracts import cancellation, deliveries, funding, lifecycle
from jtbd_app.services.ledger import journal
from tests.support.contracts import Deal, agreed_contract, deliver, fund, hired, reprice, run_jobs
from tests.support.members import make_user
from tests.support.viewers import viewer_of

GATEWAY = SandboxGateway()


def balances(db: Session) -> dict[str, int]:
    db.expire_all()
    return journal.balances_by_code(db)


def test_accepting_a_bid_writes_the_contract_document_both_parties_must_accept(db: Session) -> None:
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="100")
    contract = deal.load()
    document = lifecycle.ensure_document(db, contract)
    assert "**Price:** $100.00" in document.body and "$10.00" in document.body and "$90.00" in document.body
    assert "up to 2 revision(s)" in document.body and "within 7 day(s)" in document.body
    assert contract.status == "awaiting_funding"
    assert set(lifecycle.acceptances(db, contract)) == {deal.client.user_id, deal.contractor.user_id}


def test_funding_waits_for_both_acceptances(db: Session) -> None:
    deal = hired(make_user("carol"), make_user("ken"), price="50", days=3)
    with pytest.raises(ValidationFailed, match="Both parties must accept"):
        fund(deal)
    assert balances(db) == {}


def test_sandbox_funding_moves_the_price_into_escrow(deal: Deal, db: Session) -> None:
    fund(deal)
    assert deal.load().status == "funded"
    assert balances(db) == {"platform_cash:USD": 10_000, f"escrow:contract:{deal.contract_id}:USD": 10_000}
    assert journal.trial_balance(db) == 0


def test_a_declined_test_card_changes_nothing_and_says_why(deal: Deal, db: Session) -> None:
    with pytest.raises(ValidationFailed, match="declined"):
        fund(deal, card="4000 0000 0000 0002")
    assert deal.load().status == "awaiting_funding" and balances(db) == {}


def test_approval_releases_price_minus_fee_and_pays_out_in_the_sandbox(deal: Deal, db: Session) -> None:
    fund(deal)
    deliver(deal)
    with session_scope() as s:
        split = deliveries.approve_delivery(s, viewer=deal.client, contract_id=deal.contract_id)
    assert (split.payee_minor, split.fee_minor) == (9_000, 1_000)
    assert balances(db)[f"payable:user:{deal.contractor.user_id}:USD"] == 9_000
    assert run_jobs(GATEWAY) >= 1  # the payout job
    got = balances(db)
    assert got[f"escrow:contract:{deal.contract_id}:USD"] == 0
    assert got[f"payable:user:{deal.contractor.user_id}:USD"] == 0
    assert got["fee_revenue:USD"] == 1_000 and got["platform_cash:USD"] == 1_000
    payout = db.exec(select(Payout)).one()
    assert payout.status == "paid" and payout.amount_minor == 9_000
    contract = deal.load()
    assert contract.status == "completed" and contract.on_time is True
    profile = db.get(Profile, deal.contractor.user_id)
    assert profile is not None and profile.completed_contracts == 1 and profile.on_time_contracts == 1


def test_approving_twice_releases_once(deal: Deal, db: Session) -> None:
    fund(deal)
    deliver(deal)
    with session_scope() as s:
        deliveries.approve_delivery(s, viewer=deal.client, contract_id=deal.contract_id)
    with pytest.raises(ValidationFailed), session_scope() as s:
        deliveries.approve_delivery(s, viewer=deal.client, contract_id=deal.contract_id)
    assert len(db.exec(select(JournalEntry).where(JournalEntry.kind == "release")).all()) == 1


def test_fee_rounds_half_up_and_no_cent_is_lost(db: Session) -> None:
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="10.05")
    fund(deal)
    deliver(deal)
    with session_scope() as s:
        split = deliveries.approve_delivery(s, viewer=deal.client, contract_id=deal.contract_id)
    assert (split.payee_minor, split.fee_minor) == (904, 101)  # 100.5 cents of fee rounds up
    assert split.payee_minor + split.fee_minor == 1_005


@pytest.mark.usefixtures("half_fee")
def test_a_price_at_exactly_the_minimum_is_funded_and_its_release_pays_the_contractor(db: Session) -> None:
    # Given Ken's bid of ¥50, the minimum in yen at a 50% fee, accepted by Carol and by both
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="50", currency="JPY")
    assert (deal.load().amount_minor, deal.load().fee_bps) == (50, 5000)

    # When Carol funds it, Ken delivers and Carol approves
    fund(deal)
    deliver(deal)
    with session_scope() as s:
        split = deliveries.approve_delivery(s, viewer=deal.client, contract_id=deal.contract_id)

    # Then the release pays Ken his share, and the fee is the rest
    assert (split.payee_minor, split.fee_minor) == (25, 25)
    assert deal.load().status == "completed"
    assert balances(db)[f"payable:user:{deal.contractor.user_id}:JPY"] == 25


def test_an_old_contract_priced_below_the_minimum_is_not_funded_and_can_still_be_withdrawn(db: Session) -> None:
    # Given an agreed contract of ¥1 at a 50% fee, made before the minimum existed: its release would pay Ken ¥0
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="100", currency="JPY")
    reprice(deal, amount_minor=1, fee_bps=5000)
    before = deal.load()

    # When Carol tries to fund it
    with pytest.raises(ValidationFailed) as caught:
        fund(deal)

    # Then she is told why beside the form, and nothing is charged, stored or booked
    assert caught.value.fields == {
        "form": "This contract's price of ¥1 is below the minimum of ¥50 at its 50% platform fee, so it cannot be "
        "paid. Either of you can withdraw from it; no money has moved."
    }
    assert deal.load().model_dump() == before.model_dump()
    assert db.exec(select(Payment)).all() == [] and balances(db) == {}

    # And either party may still end it
    with session_scope() as s:
        assert cancellation.request_cancellation(s, viewer=deal.contractor, contract_id=deal.contract_id) == "cancelled"


def test_the_gateways_word_for_a_payment_started_on_an_old_underpriced_contract_sends_the_money_back(
    db: Session,
) -> None:
    # Given a ¥1 contract at a 50% fee whose payment was started before the minimum existed
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="100", currency="JPY")
    reprice(deal, amount_minor=1, fee_bps=5000)
    with session_scope() as s:
        s.add(
            Payment(
                contract_id=deal.contract_id,
                payer_id=deal.client.user_id,
                gateway="sandbox",
                amount_minor=1,
                currency="JPY",
                external_id="pi_old",
            )
        )

    # When the gateway says it succeeded
    with session_scope() as s:
        said = funding.record_payment_succeeded(
            s, external_id="pi_old", charge_id="ch_old", amount_minor=1, currency="JPY"
        )

    # Then the escrow is not funded: the payment is owed back and its refund scheduled
    assert said == "payment not needed; refund scheduled"
    assert deal.load().status == "awaiting_funding"
    assert db.exec(select(Payment)).one().status == "returning"
    assert balances(db) == {"platform_cash:JPY": 1, "refund_due:JPY": 1}


def test_revisions_are_limited_and_need_a_reason(deal: Deal) -> None:
    fund(deal)
    for _ in range(2):
        deliver(deal)
        with pytest.raises(ValidationFailed) as missing, session_scope() as s:
            deliveries.request_revision(s, viewer=deal.client, contract_id=deal.contract_id, reason="  ")
        assert "reason" in missing.value.fields
        with session_scope() as s:
            deliveries.request_revision(
                s, viewer=deal.client, contract_id=deal.contract_id, reason="The logo is missing."
            )
    deliver(deal)
    with pytest.raises(ValidationFailed, match="No revisions are left"), session_scope() as s:
        deliveries.request_revision(s, viewer=deal.client, contract_id=deal.contract_id, reason="Again")
    assert deal.load().revisions_used == 2


def test_silence_releases_the_escrow_after_the_auto_release_days_with_a_reminder_first(deal: Deal, db: Session) -> None:
    fund(deal)
    deliver(deal)
    delivered_at = deal.load().delivered_at
    assert delivered_at is not None
    run_jobs(GATEWAY, now=delivered_at + timedelta(days=6, hours=1))
    assert deal.load().status == "delivered"
    assert any("Tomorrow the escrow" in n for n in _titles(db, deal.client.user_id))
    run_jobs(GATEWAY, now=delivered_at + timedelta(days=7, minutes=1))
    assert deal.load().status == "completed"
    assert len(db.exec(select(JournalEntry).where(JournalEntry.kind == "release")).all()) == 1


def test_a_revision_request_stops_the_pending_auto_release(deal: Deal) -> None:
    fund(deal)
    deliver(deal)
    delivered_at = deal.load().delivered_at
    assert delivered_at is not None
    with session_scope() as s:
        deliveries.request_revision(s, viewer=deal.client, contract_id=deal.contract_id, reason="Fix the footer.")
    run_jobs(GATEWAY, now=delivered_at + timedelta(days=8))
    assert deal.load().status == "revision_requested"


def test_cancel_by_agreement_refunds_the_client(deal: Deal, db: Session) -> None:
    fund(deal)
    with session_scope() as s:
        cancellation.request_cancellation(s, viewer=deal.contractor, contract_id=deal.contract_id)
    with pytest.raises(ValidationFailed, match="other party"):
        asyncio.run(
            cancellation.agree_cancellation(
                session_factory=session_scope, gateway=GATEWAY, viewer=deal.contractor, contract_id=deal.contract_id
            )
        )
    asyncio.run(
        cancellation.agree_cancellation(
            session_factory=session_scope, gateway=GATEWAY, viewer=deal.client, contract_id=deal.contract_id
        )
    )
    assert deal.load().status == "cancelled"
    assert balances(db) == {"platform_cash:USD": 0, f"escrow:contract:{deal.contract_id}:USD": 0}


def test_an_unfunded_contract_expires_and_can_then_not_be_funded(deal: Deal, db: Session) -> None:
    expires = deal.load().funding_expires_at
    assert expires is not None
    run_jobs(GATEWAY, now=expires + timedelta(minutes=1))
    assert deal.load().status == "expired"
    with pytest.raises(ValidationFailed):
        fund(deal)
    assert balances(db) == {}


def test_strangers_can_neither_see_nor_act_on_a_contract(deal: Deal, db: Session) -> None:
    eve = viewer_of(make_user("eve"))
    with pytest.raises(NotFound):
        lifecycle.visible_contract(db, viewer=eve, contract_id=deal.contract_id)
    with pytest.raises(NotFound):
        asyncio.run(
            __import__("jtbd_app.services.contracts.funding", fromlist=["x"]).fund_contract(
                session_factory=session_scope,
                gateway=GATEWAY,
                viewer=eve,
                contract_id=deal.contract_id,
                test_card="4242424242424242",
            )
        )
    with pytest.raises(PermissionDenied), session_scope() as s:
        deliveries.submit_delivery(s, viewer=deal.client, contract_id=deal.contract_id, message="I did it myself")
    assert balances(db) == {}


def test_posted_entries_cannot_be_edited_or_deleted(deal: Deal) -> None:
    fund(deal)
    for statement in ("UPDATE posting SET amount_minor = 1", "DELETE FROM journalentry"):
        with pytest.raises(Exception, match="never"), session_scope() as s:
            s.exec(__import__("sqlalchemy").text(statement))  # type: ignore[call-overload]


def test_the_ledger_refuses_an_overdraft_and_unbalanced_entries(deal: Deal, db: Session) -> None:
    fund(deal)
    contract = deal.load()
    with session_scope() as s:
        escrow_account = journal.get_account(s, kind="escrow", currency="USD", contract_id=contract.id)
        cash = journal.get_account(s, kind="platform_cash", currency="USD")
        with pytest.raises(journal.InsufficientFunds):
            journal.post(
                s,
                idempotency_key="x",
                kind="t",
                currency="USD",
                legs=[journal.Leg(escrow_account, 20_000), journal.Leg(cash, -20_000)],
            )
        with pytest.raises(journal.LedgerError, match="sum to zero"):
            journal.post(
                s,
                idempotency_key="y",
                kind="t",
                currency="USD",
                legs=[journal.Leg(escrow_account, 5), journal.Leg(cash, -4)],
            )
    assert len(db.exec(select(Posting)).all()) == 2 and journal.cached_balance_mismatches(db) == []


def _titles(db: Session, user_id: int) -> list[str]:
    from jtbd_app.models import Notification

    db.expire_all()
    return [n.title for n in db.exec(select(Notification).where(Notification.user_id == user_id)).all()]


def test_jobs_survive_as_rows_until_done(deal: Deal, db: Session) -> None:
    jobs = db.exec(select(ScheduledJob).where(ScheduledJob.contract_id == deal.contract_id)).all()
    assert [j.kind for j in jobs] == ["expire_unfunded"] and jobs[0].status == "pending"
    fund(deal)
    db.expire_all()
    kinds = {j.kind: j.status for j in db.exec(select(ScheduledJob)).all()}
    assert kinds == {"expire_unfunded": "cancelled", "deadline_passed": "pending"}


def test_when_nothing_is_delivered_by_the_due_date_the_client_alone_may_cancel_for_a_full_refund(
    deal: Deal, db: Session
) -> None:
    fund(deal)
    agree = cancellation.agree_cancellation
    with pytest.raises(ValidationFailed, match="other party"):  # not overdue yet
        asyncio.run(
            agree(session_factory=session_scope, gateway=GATEWAY, viewer=deal.client, contract_id=deal.contract_id)
        )
    due = deal.load().due_at
    assert due is not None
    run_jobs(GATEWAY, now=due + timedelta(minutes=1))
    assert any("overdue" in t for t in _titles(db, deal.contractor.user_id))
    with session_scope() as s:  # the due date is now in the past
        contract = s.get(Contract, deal.contract_id)
        assert contract is not None
        contract.due_at = utcnow() - timedelta(minutes=1)
        s.add(contract)
    with pytest.raises(ValidationFailed, match="other party"):  # the contractor cannot take the money back alone
        asyncio.run(
            agree(session_factory=session_scope, gateway=GATEWAY, viewer=deal.contractor, contract_id=deal.contract_id)
        )
    asyncio.run(agree(session_factory=session_scope, gateway=GATEWAY, viewer=deal.client, contract_id=deal.contract_id))
    assert deal.load().status == "cancelled"
    assert balances(db)[f"escrow:contract:{deal.contract_id}:USD"] == 0 and journal.trial_balance(db) == 0
