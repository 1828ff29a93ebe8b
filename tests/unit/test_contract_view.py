"""What the contract workspace and the wallet show to whom, derived from the ledger."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.db import get_engine, session_scope
from jtbd_app.domain.errors import NotFound, NotSignedIn
from jtbd_app.models import Bid, MessageThread, Payout
from jtbd_app.services.contracts import cancellation, contract_view, deliveries, payouts, wallet_view
from jtbd_app.services.contracts.delivery_files import IncomingFile
from tests.support.contracts import Deal, agreed_contract, approve, deliver, fund, hired, make_contract, reprice
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def detail(deal: Deal, who: object) -> contract_view.ContractDetail:
    with session_scope() as s:
        return contract_view.contract_detail(s, viewer=who, contract_id=deal.contract_id, test_money=True)  # type: ignore[arg-type]


def pay_out(deal: Deal) -> None:
    with session_scope() as s:
        payout_id = payouts.pending_payout_id(s, contract_id=deal.contract_id)
    assert payout_id is not None
    asyncio.run(payouts.send_payout(session_factory=session_scope, gateway=SandboxGateway(), payout_id=payout_id))


def test_an_old_contract_below_the_minimum_offers_no_payment_but_says_why_and_may_be_withdrawn(deal: Deal) -> None:
    reprice(deal, amount_minor=49, fee_bps=1000)
    for who in (deal.client, deal.contractor):
        shown = detail(deal, who)
        assert shown.funding_note == (
            "This contract's price of $0.49 is below the minimum of $0.50 at its 10% platform fee, so it cannot be "
            "paid. Either of you can withdraw from it; no money has moved."
        )
        assert not shown.actions.fund and shown.actions.ask_cancel
    fair = agreed_contract(make_user("ann"), make_user("bob"), price="0.50")
    assert detail(fair, fair.client).funding_note == "" and detail(fair, fair.client).actions.fund


def test_the_client_sees_the_terms_the_money_and_may_fund(deal: Deal) -> None:
    shown = detail(deal, deal.client)
    assert shown.role == "client" and shown.status == "awaiting_funding"
    assert shown.price == "$100.00" and shown.fee == "$10.00" and shown.contractor_receives == "$90.00"
    assert shown.fee_percent == "10%" and shown.escrow_held == "$0.00"
    assert shown.client.username == "carol" and shown.contractor.display_name == "Ken"
    assert "<strong>Price:</strong> $100.00" in shown.document_html and shown.document_version == 1
    assert all(a.accepted and a.when for a in shown.acceptances)
    assert shown.actions.fund and shown.actions.ask_cancel and not shown.actions.deliver
    assert shown.thread_link.startswith("/messages/") and shown.test_money and not shown.read_only


def test_the_contractor_may_deliver_once_funded_and_sees_the_escrow_held(deal: Deal) -> None:
    fund(deal)
    shown = detail(deal, deal.contractor)
    assert shown.role == "contractor" and shown.escrow_held == "$100.00" and shown.due
    assert shown.actions.deliver and not shown.actions.fund and not shown.actions.approve
    assert [t.kind for t in shown.timeline][:2] == ["funded", "agreed"]


def test_a_delivery_shows_its_files_and_the_client_may_approve_or_ask_for_a_revision(deal: Deal) -> None:
    fund(deal)
    with session_scope() as s:
        deliveries.submit_delivery(
            s,
            viewer=deal.contractor,
            contract_id=deal.contract_id,
            message="Done.",
            links="https://example.com/work",
            files=[IncomingFile("report.txt", b"the report")],
        )
    shown = detail(deal, deal.client)
    assert shown.actions.approve and shown.actions.request_revision and shown.auto_release
    delivery = shown.deliveries[0]
    assert delivery.number == 1 and delivery.links == ["https://example.com/work"]
    assert delivery.files[0].filename == "report.txt" and delivery.files[0].url.startswith("/api/contracts/files/")
    assert shown.revisions_left == 2


def test_an_admin_sees_the_contract_read_only(deal: Deal) -> None:
    admin = viewer_of(make_user("boss", role="admin"))
    shown = detail(deal, admin)
    assert shown.role == "admin" and shown.read_only and shown.actions == contract_view.Actions()
    assert shown.thread_link == "" and shown.price == "$100.00"


def test_a_stranger_or_visitor_learns_nothing(deal: Deal) -> None:
    with pytest.raises(NotFound):
        detail(deal, viewer_of(make_user("mallory")))
    with pytest.raises(NotSignedIn):
        detail(deal, None)
    with pytest.raises(NotFound), session_scope() as s:
        contract_view.contract_detail(s, viewer=deal.client, contract_id=9999)


def test_each_party_is_asked_to_accept_until_they_have(db: Session) -> None:
    deal = hired(make_user("carol"), make_user("ken"), price="50", days=3)
    shown = detail(deal, deal.client)
    assert shown.actions.accept_terms and not shown.actions.fund and shown.funding_deadline
    assert [a.accepted for a in shown.acceptances] == [False, False]
    assert db.exec(select(Bid)).one().status == "accepted"


def test_a_request_to_cancel_is_offered_to_the_other_party_to_agree(deal: Deal) -> None:
    fund(deal)
    with session_scope() as s:
        cancellation.request_cancellation(s, viewer=deal.contractor, contract_id=deal.contract_id)
    mine, theirs = detail(deal, deal.contractor), detail(deal, deal.client)
    assert mine.actions.withdraw_cancel and not mine.actions.agree_cancel and mine.cancel_note.startswith("You asked")
    assert theirs.actions.agree_cancel and not theirs.actions.ask_cancel and "Ken asked to cancel" in theirs.cancel_note


def test_the_wallet_after_a_funded_and_released_contract_as_contractor_and_client(deal: Deal) -> None:
    fund(deal)
    deliver(deal)
    approve(deal)
    with session_scope() as s:
        before = wallet_view.wallet(s, viewer=deal.contractor)
    usd = before.summaries[0]
    assert (usd.currency, usd.available, usd.paid_out, usd.earned) == ("USD", "$90.00", "$0.00", "$90.00")
    assert before.payouts[0].status == "pending"
    pay_out(deal)
    with session_scope() as s:
        mine = wallet_view.wallet(s, viewer=deal.contractor, test_money=True)
        theirs = wallet_view.wallet(s, viewer=deal.client)
    [usd] = mine.summaries
    assert usd.as_contractor and not usd.as_client
    assert (usd.available, usd.paid_out, usd.pending, usd.earned) == ("$0.00", "$90.00", "$0.00", "$90.00")
    assert [(m.description, m.amount) for m in mine.history] == [
        (f"Paid out to your payout account (contract #{deal.contract_id})", "-$90.00"),
        (f"Escrow released to you (contract #{deal.contract_id})", "+$90.00"),
    ]
    assert mine.payouts[0].status_label == "Paid out" and mine.test_money
    [chart] = mine.charts
    assert chart.currency == "USD" and len(chart.months) == 6
    assert (chart.months[-1].earned, chart.months[-1].paid_in) == (90, 0)
    assert [(m.description, m.amount) for m in theirs.history] == [
        (f"You funded the escrow (contract #{deal.contract_id})", "-$100.00")
    ]
    [spent] = theirs.summaries
    assert spent.as_client and not spent.as_contractor
    assert [(c.currency, c.months[-1].paid_in, c.months[-1].earned) for c in theirs.charts] == [("USD", 100, 0)]
    assert (spent.paid_in, spent.spent, spent.fees, spent.in_escrow, spent.refunded) == (
        "$100.00",
        "$100.00",
        "$10.00",
        "$0.00",
        "$0.00",
    )


def test_the_wallet_shows_escrow_held_for_and_from_the_member(deal: Deal) -> None:
    fund(deal)
    with session_scope() as s:
        contractor = wallet_view.wallet(s, viewer=deal.contractor)
        client = wallet_view.wallet(s, viewer=deal.client)
    assert [(t.currency, t.pending, t.as_client) for t in contractor.summaries] == [("USD", "$100.00", False)]
    assert [(t.currency, t.in_escrow, t.as_contractor) for t in client.summaries] == [("USD", "$100.00", False)]
    assert client.history[0].amount == "-$100.00"


def test_a_refund_appears_in_the_clients_history(deal: Deal) -> None:
    fund(deal)
    with session_scope() as s:
        cancellation.request_cancellation(s, viewer=deal.client, contract_id=deal.contract_id)
    asyncio.run(
        cancellation.agree_cancellation(
            session_factory=session_scope,
            gateway=SandboxGateway(),
            viewer=deal.contractor,
            contract_id=deal.contract_id,
        )
    )
    with session_scope() as s:
        client = wallet_view.wallet(s, viewer=deal.client)
    assert [m.amount for m in client.history] == ["+$100.00", "-$100.00"]
    [usd] = client.summaries
    assert (usd.paid_in, usd.in_escrow, usd.refunded, usd.spent) == ("$100.00", "$0.00", "$100.00", "$0.00")


def test_the_history_pages_twenty_at_a_time_newest_first(db: Session) -> None:
    carol, ken = make_user("carol"), make_user("ken")
    for n in range(11):
        deal = agreed_contract(carol, ken, price=str(10 + n))
        fund(deal)
        deliver(deal)
        approve(deal)
        pay_out(deal)
    with session_scope() as s:
        first = wallet_view.wallet(s, viewer=viewer_of(ken), page=1)
        second = wallet_view.wallet(s, viewer=viewer_of(ken), page="2")
        beyond = wallet_view.wallet(s, viewer=viewer_of(ken), page="nonsense")
    assert first.total == 22 and first.pages == 2 and len(first.history) == 20 and len(second.history) == 2
    assert first.history[0].amount == "-$18.00" and second.history[-1].amount == "+$9.00"
    assert beyond.page == 1 and first.summaries[0].paid_out == "$148.50"
    assert len(db.exec(select(Payout).where(Payout.status == "paid")).all()) == 11


def test_a_visitor_has_no_wallet() -> None:
    with pytest.raises(NotSignedIn), session_scope() as s:
        wallet_view.wallet(s, viewer=None)


def test_after_an_undelivered_due_date_only_the_client_is_offered_a_refunding_cancel(deal: Deal) -> None:
    from datetime import timedelta

    from jtbd_app.models import Contract, utcnow

    fund(deal)
    assert not detail(deal, deal.client).actions.cancel_overdue
    with session_scope() as s:
        contract = s.get(Contract, deal.contract_id)
        assert contract is not None
        contract.due_at = utcnow() - timedelta(hours=1)
        s.add(contract)
    client, contractor = detail(deal, deal.client), detail(deal, deal.contractor)
    assert client.actions.cancel_overdue and "refunded in full" in client.cancel_note
    assert not contractor.actions.cancel_overdue and "client may now cancel" in contractor.cancel_note


def test_opening_a_contract_only_reads_its_thread_was_tied_when_the_bid_was_accepted(deal: Deal) -> None:
    with session_scope() as s:
        tied = s.exec(select(MessageThread).where(MessageThread.contract_id == deal.contract_id)).one()
    writes: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if not statement.lstrip().upper().startswith("SELECT"):
            writes.append(statement)

    event.listen(get_engine(), "before_cursor_execute", record)
    try:
        for who in (deal.client, deal.contractor):
            assert detail(deal, who).thread_link == f"/messages/{tied.id}"
    finally:
        event.remove(get_engine(), "before_cursor_execute", record)
    assert [w for w in writes if not w.startswith(("BEGIN", "COMMIT", "ROLLBACK"))] == []
    assert (tied.client_id, tied.provider_id) == (deal.client.user_id, deal.contractor.user_id)


def test_a_contract_made_before_threads_were_tied_gets_its_thread_once_when_opened() -> None:
    client, contractor = make_user("olive"), make_user("bruno")
    contract = make_contract(client, contractor)  # made directly, as contracts were before: no thread tied
    with session_scope() as s:
        assert s.exec(select(MessageThread).where(MessageThread.contract_id == contract.id)).first() is None
    links = set()
    for who in (client, contractor, client):
        with session_scope() as s:
            links.add(contract_view.contract_detail(s, viewer=viewer_of(who), contract_id=contract.id).thread_link)
    with session_scope() as s:
        (thread,) = s.exec(select(MessageThread).where(MessageThread.contract_id == contract.id)).all()
    assert links == {f"/messages/{thread.id}"}
