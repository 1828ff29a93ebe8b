"""A receipt per payment: the payer (and administrators) read it, with the platform fee shown and test money marked;
anyone else, and any payment that took no money, is simply not found."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, NotSignedIn, ValidationFailed
from jtbd_app.models import Payment
from jtbd_app.services.contracts import contract_view, funding, receipts, wallet_view
from jtbd_app.services.problems import problem_view
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.receipt import ReceiptState
from tests.support import problem_money
from tests.support.contracts import Deal, agreed_contract, fund
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token
from tests.support.stripe_contracts import pending_stripe_payment
from tests.support.viewers import viewer_of


def payment_of(db: Session, **where: int) -> Payment:
    db.expire_all()
    query = select(Payment).order_by(col(Payment.id).desc())
    for name, value in where.items():
        query = query.where(getattr(Payment, name) == value)
    found = db.exec(query).first()
    assert found is not None and found.id is not None
    return found


def read(viewer: Viewer | None, payment_id: object) -> receipts.Receipt:
    with session_scope() as s:
        return receipts.receipt(s, viewer=viewer, payment_id=payment_id)


def test_the_payer_reads_the_amount_the_fee_the_total_and_the_reference_of_a_sandbox_payment(
    deal: Deal, db: Session
) -> None:
    fund(deal)
    payment = payment_of(db, contract_id=deal.contract_id)
    shown = read(deal.client, payment.id)
    assert shown.number == payment.id and shown.payer_name == "Carol" and shown.payer_username == "carol"
    assert shown.purpose.startswith(f"Escrow of contract #{deal.contract_id}: ") and shown.payee == "Ken"
    assert shown.purpose_link == f"/contracts/{deal.contract_id}"
    assert (shown.amount, shown.fee, shown.payee_share, shown.total) == ("$100.00", "$10.00", "$90.00", "$100.00")
    assert shown.fee_label == "Platform fee (10%, included in the amount)" and shown.currency == "USD"
    assert shown.reference == payment.external_id and shown.reference.startswith("sbx_pay_")
    assert shown.test_money and shown.status == "Paid" and shown.date.endswith("UTC")


def test_only_the_payer_and_administrators_may_open_a_receipt(deal: Deal, db: Session) -> None:
    fund(deal)
    payment_id = payment_of(db, contract_id=deal.contract_id).id
    for someone in (deal.contractor, viewer_of(make_user("stranger"))):
        with pytest.raises(NotFound, match=r"That receipt does not exist\."):
            read(someone, payment_id)
    with pytest.raises(NotSignedIn):
        read(None, payment_id)
    assert read(viewer_of(make_user("boss", role="admin")), payment_id).amount == "$100.00"
    for nonsense in ("abc", -1, 10**30, None, [payment_id], str(payment_id) + "0"):
        with pytest.raises(NotFound):
            read(deal.client, nonsense)


def test_a_declined_payment_has_no_receipt(deal: Deal, db: Session) -> None:
    with pytest.raises(ValidationFailed):
        fund(deal, card="4000 0000 0000 0002")
    declined = payment_of(db, contract_id=deal.contract_id)
    assert declined.status == "failed"
    with pytest.raises(NotFound):
        read(deal.client, declined.id)


def test_the_wallet_history_and_the_contract_page_link_the_payers_receipt_only(deal: Deal, db: Session) -> None:
    fund(deal)
    link = receipts.receipt_link(payment_of(db, contract_id=deal.contract_id).id or 0)
    with session_scope() as s:
        client = wallet_view.wallet(s, viewer=deal.client)
        contractor = wallet_view.wallet(s, viewer=deal.contractor)
        for_client = contract_view.contract_detail(s, viewer=deal.client, contract_id=deal.contract_id)
        for_contractor = contract_view.contract_detail(s, viewer=deal.contractor, contract_id=deal.contract_id)
    assert [m.receipt_link for m in client.history] == [link]
    assert all(m.receipt_link == "" for m in contractor.history)
    assert for_client.receipt_link == link and for_contractor.receipt_link == ""


def test_a_euro_payment_is_receipted_in_euros() -> None:
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="1234.50", currency="EUR")
    fund(deal)
    with session_scope() as s:
        [row] = wallet_view.wallet(s, viewer=deal.client).history
    shown = read(deal.client, row.receipt_link.rsplit("/", 1)[-1])
    assert (shown.amount, shown.fee, shown.total, shown.currency) == ("€1,234.50", "€123.45", "€1,234.50", "EUR")


def test_a_problems_payment_has_a_receipt_with_the_fees_its_tasks_paid_so_far(db: Session) -> None:
    deal = problem_money.planned(make_user("owner"))
    problem_money.fund(deal, SandboxGateway())
    payment = payment_of(db, problem_id=deal.problem_id)
    shown = read(deal.owner, payment.id)
    assert shown.purpose.startswith(f"Escrow of problem #{deal.problem_id}: ") and shown.amount == "$3,000.00"
    assert shown.fee == "$0.00" and shown.fee_label.startswith("Platform fee so far (10% of each task's price")
    assert shown.test_money and shown.purpose_link == f"/problems/{deal.problem_id}"
    with session_scope() as s:
        history = wallet_view.wallet(s, viewer=deal.owner).history
    assert [m.receipt_link for m in history] == [receipts.receipt_link(payment.id or 0)]
    with pytest.raises(NotFound):
        read(viewer_of(make_user("helper")), payment.id)


def test_the_receipt_page_loads_the_payers_own_receipt_from_its_route(db: Session) -> None:
    payer = make_user("payer")
    deal = agreed_contract(payer, make_user("worker"), price="100")
    fund(deal)
    payment = payment_of(db, contract_id=deal.contract_id)
    state = state_for(ReceiptState, token=session_token(payer), path=f"/wallet/receipts/{payment.id}")
    call(state, "load_receipt")
    assert state.loaded and state.refusal == "" and state.receipt.amount == "$100.00" and state.receipt.fee == "$10.00"


def test_a_stripe_payment_is_real_money_and_a_second_payment_the_contract_could_not_take_says_it_went_back(
    deal: Deal, db: Session
) -> None:
    for intent in ("pi_first", "pi_second"):
        amount = pending_stripe_payment(deal, external_id=intent)
        with session_scope() as s:
            funding.record_payment_succeeded(
                s, external_id=intent, charge_id=f"ch_{intent}", amount_minor=amount, currency="USD"
            )
    first, second = (payment_of(db, contract_id=deal.contract_id, id=p) for p in sorted(_ids(db, deal)))
    paid, returned = read(deal.client, first.id), read(deal.client, second.id)
    assert (paid.reference, paid.test_money, paid.method, paid.status) == (
        "pi_first",
        False,
        "Card, through Stripe",
        "Paid",
    )
    assert returned.reference == "pi_second" and returned.status.startswith("Returned to you")
    with session_scope() as s:
        assert [m.receipt_link for m in wallet_view.wallet(s, viewer=deal.client).history] == [
            receipts.receipt_link(first.id or 0)
        ]


def _ids(db: Session, deal: Deal) -> list[int]:
    return [p.id for p in db.exec(select(Payment).where(Payment.contract_id == deal.contract_id)) if p.id is not None]


def test_the_problem_page_links_its_owners_receipt_once_funded() -> None:
    deal = problem_money.planned(make_user("owner"))
    with session_scope() as s:
        assert problem_view.problem_detail(s, viewer=deal.owner, problem_id=deal.problem_id).receipt_link == ""
    problem_money.fund(deal, SandboxGateway())
    [payment] = deal.payments()
    with session_scope() as s:
        shown = problem_view.problem_detail(s, viewer=deal.owner, problem_id=deal.problem_id)
    assert shown.receipt_link == receipts.receipt_link(payment.id or 0)
