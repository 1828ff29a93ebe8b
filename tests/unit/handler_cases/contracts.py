"""The contract workspace and the wallet: a stranger or a visitor, with a forged contract id in the route, neither
sees a contract nor moves it, and the ledger does not move; a wallet is only ever the caller's own."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import reflex as rx
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import (
    Bid,
    Contract,
    ContractAcceptance,
    Delivery,
    DeliveryFile,
    JournalEntry,
    Payment,
    PayoutAccount,
)
from jtbd_app.services.contracts import cancellation, contract_view, deliveries
from jtbd_app.services.ledger import journal
from jtbd_app.state.contracts import ContractState
from jtbd_app.state.wallet import WalletState
from tests.support.contracts import TEST_CARD, Deal, agreed_contract, deliver, fund, hired
from tests.support.handlers import call, call_upload, state_for
from tests.support.members import make_user
from tests.support.stripe_contracts import stripe_mode

PUBLIC = {
    "ContractState.setvar": "Reflex built-in; display vars only; every action re-reads the cookie and the route",
    "WalletState.setvar": "Reflex built-in; display vars only; the wallet is always the caller's own",
}
REFUSED = ("Please sign in to continue.", "That contract does not exist.")


def _deal() -> Deal:
    return agreed_contract(make_user("victim"), make_user("worker"), price="100")


def _ledger(db: Session) -> tuple[list[tuple[str, int]], int]:
    db.expire_all()
    balances = sorted(journal.balances_by_code(db).items())
    return balances, len(db.exec(select(JournalEntry)).all())


def _contract(db: Session, deal: Deal) -> Contract:
    db.expire_all()
    found = db.get(Contract, deal.contract_id)
    assert found is not None
    return found


def _state(caller: str | None, deal: Deal) -> Any:
    """The caller's browser on the victim's contract page: the route carries the forged (someone else's) id."""
    return state_for(ContractState, token=caller, path=f"/contracts/{deal.contract_id}")


def _refused(state: Any) -> None:
    assert state.errors.get("form") in REFUSED, state.errors
    assert not state.found and state.detail == contract_view.ContractDetail()


def _load_contract(caller: str | None, db: Session) -> None:
    deal = _deal()
    state = _state(caller, deal)
    call(state, "load_contract")
    assert state.loaded and not state.found and state.detail == contract_view.ContractDetail()
    assert state.refusal == ("Please sign in to continue." if caller is None else "")


def _accept_terms(caller: str | None, db: Session) -> None:
    contract_id = hired(
        make_user("victim"), make_user("worker"), price="50", days=3, message="Hello there."
    ).contract_id
    state = state_for(ContractState, token=caller, path=f"/contracts/{contract_id}")
    state.detail = contract_view.ContractDetail(id=contract_id, document_version=1)  # a forged var
    call(state, "accept_terms")
    _refused(state)
    assert db.exec(select(ContractAcceptance)).all() == [] and db.exec(select(Bid)).one().status == "accepted"


def _fund(caller: str | None, db: Session) -> None:
    deal = _deal()
    before = _ledger(db)
    state = _state(caller, deal)
    call(state, "fund", {"card": TEST_CARD})
    _refused(state)
    assert state.progress == "" and db.exec(select(Payment)).all() == []
    assert _ledger(db) == before and _contract(db, deal).status == "awaiting_funding"


def _nothing_moved(db: Session, deal: Deal, before: tuple[list[tuple[str, int]], int]) -> None:
    assert db.exec(select(Payment)).all() == []
    assert _ledger(db) == before and _contract(db, deal).status == "awaiting_funding"


def _pay_with_card(caller: str | None, db: Session) -> None:
    deal = _deal()
    before = _ledger(db)
    state = _state(caller, deal)
    with stripe_mode():  # where the client would be handed a client secret
        steps = call(state, "pay_with_card")
    _refused(state)
    assert [step for step in steps if step is not None] == [], "no script runs, so no client secret leaves"
    assert state.progress == ""
    _nothing_moved(db, deal, before)


def _card_payment_result(caller: str | None, db: Session) -> None:
    deal = _deal()
    before = _ledger(db)
    state = _state(caller, deal)
    then = call(state, "card_payment_result", {"status": "succeeded"})
    assert then is None and state.progress == "" and state.notice == ""
    assert not state.found and state.detail == contract_view.ContractDetail()
    _nothing_moved(db, deal, before)


def _watch_funding(caller: str | None, db: Session) -> None:
    deal = _deal()
    fund(deal)
    state = _state(caller, deal)
    call(state, "watch_funding")
    assert not state.found and state.detail == contract_view.ContractDetail() and state.notice == ""


def _submit_delivery(caller: str | None, db: Session) -> None:
    deal = _deal()
    fund(deal)
    before = _ledger(db)
    state = _state(caller, deal)
    forged = rx.UploadFile(file=io.BytesIO(b"malware"), path=Path("evil.exe"))
    call_upload(state, "submit_delivery", [forged], "Forged delivery", "https://evil.example", "99999")
    _refused(state)
    assert db.exec(select(Delivery)).all() == [] and db.exec(select(DeliveryFile)).all() == []
    assert _ledger(db) == before and _contract(db, deal).status == "funded"


def _approve(caller: str | None, db: Session) -> None:
    deal = _deal()
    fund(deal)
    deliver(deal)
    before = _ledger(db)
    state = _state(caller, deal)
    call(state, "approve")
    _refused(state)
    assert _ledger(db) == before and _contract(db, deal).status == "delivered"


def _request_revision(caller: str | None, db: Session) -> None:
    deal = _deal()
    fund(deal)
    deliver(deal)
    state = _state(caller, deal)
    call(state, "request_revision", {"reason": "Do it all again for free.", "criterion": "0"})
    _refused(state)
    contract = _contract(db, deal)
    assert contract.status == "delivered" and contract.revisions_used == 0


def _ask_cancel(caller: str | None, db: Session) -> None:
    deal = _deal()
    fund(deal)
    state = _state(caller, deal)
    call(state, "ask_cancel")
    _refused(state)
    contract = _contract(db, deal)
    assert contract.status == "funded" and contract.cancel_requested_by is None


def _with_cancel_request(db: Session) -> Deal:
    deal = _deal()
    fund(deal)
    with session_scope() as s:
        cancellation.request_cancellation(s, viewer=deal.contractor, contract_id=deal.contract_id)
    return deal


def _withdraw_cancel(caller: str | None, db: Session) -> None:
    deal = _with_cancel_request(db)
    state = _state(caller, deal)
    call(state, "withdraw_cancel")
    _refused(state)
    assert _contract(db, deal).cancel_requested_by == deal.contractor.user_id


def _agree_cancel(caller: str | None, db: Session) -> None:
    deal = _with_cancel_request(db)
    before = _ledger(db)
    state = _state(caller, deal)
    call(state, "agree_cancel")
    _refused(state)
    assert _ledger(db) == before and _contract(db, deal).status == "funded"


def _retry_refund(caller: str | None, db: Session) -> None:
    deal = _with_cancel_request(db)
    with session_scope() as s:
        contract = s.get(Contract, deal.contract_id)
        assert contract is not None
        contract.status = "refunding"  # a refund the gateway did not finish
        s.add(contract)
    before = _ledger(db)
    state = _state(caller, deal)
    call(state, "retry_refund")
    _refused(state)
    assert _ledger(db) == before and _contract(db, deal).status == "refunding"


def _victim_with_money() -> Deal:
    deal = _deal()
    fund(deal)
    deliver(deal)
    with session_scope() as s:
        deliveries.approve_delivery(s, viewer=deal.client, contract_id=deal.contract_id)
    return deal


def _load_wallet(caller: str | None, db: Session) -> None:
    _victim_with_money()
    state = state_for(WalletState, token=caller, path="/wallet")
    call(state, "load_wallet")
    assert state.wallet.history == [] and state.wallet.summaries == [] and state.wallet.payouts == []
    assert state.refusal == ("Please sign in to continue." if caller is None else "")


def _go_to_page(caller: str | None, db: Session) -> None:
    _victim_with_money()
    state = state_for(WalletState, token=caller, path="/wallet")
    call(state, "go_to_page", 1)
    assert state.wallet.history == [] and state.wallet.summaries == []


def _set_up_payouts(caller: str | None, db: Session) -> None:
    deal = _victim_with_money()
    state = state_for(WalletState, token=caller, path="/wallet")
    call(state, "set_up_payouts")
    assert db.get(PayoutAccount, deal.contractor.user_id) is None, "only the caller's own account may be created"
    if caller is None:
        assert state.errors == {"form": "Please sign in to continue."}
        assert db.exec(select(PayoutAccount)).all() == []


def _refresh_status(caller: str | None, db: Session) -> None:
    deal = _victim_with_money()
    with session_scope() as s:
        s.add(PayoutAccount(user_id=deal.contractor.user_id, gateway="sandbox", external_id="sbx_acct_victim"))
    state = state_for(WalletState, token=caller, path="/wallet")
    call(state, "refresh_status")
    assert state.errors.get("form") in ("Please sign in to continue.", "Set up payouts first.")
    db.expire_all()
    account = db.get(PayoutAccount, deal.contractor.user_id)
    assert account is not None and not account.payouts_enabled


GUARDED = {
    "ContractState.load_contract": _load_contract,
    "ContractState.accept_terms": _accept_terms,
    "ContractState.fund": _fund,
    "ContractState.pay_with_card": _pay_with_card,
    "ContractState.card_payment_result": _card_payment_result,
    "ContractState.watch_funding": _watch_funding,
    "ContractState.submit_delivery": _submit_delivery,
    "ContractState.approve": _approve,
    "ContractState.request_revision": _request_revision,
    "ContractState.ask_cancel": _ask_cancel,
    "ContractState.withdraw_cancel": _withdraw_cancel,
    "ContractState.agree_cancel": _agree_cancel,
    "ContractState.retry_refund": _retry_refund,
    "WalletState.load_wallet": _load_wallet,
    "WalletState.go_to_page": _go_to_page,
    "WalletState.set_up_payouts": _set_up_payouts,
    "WalletState.refresh_status": _refresh_status,
}
