"""A payment's receipt: a visitor or another member, with the victim's payment id in the route, is told there is no
such receipt and is shown nothing of it."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.models import Payment
from jtbd_app.state.receipt import ReceiptState
from tests.support.contracts import agreed_contract, fund
from tests.support.handlers import call, state_for
from tests.support.members import make_user

PUBLIC = {
    "ReceiptState.setvar": "Reflex built-in; display vars only; loading re-checks the payer on the server",
}


def _load_receipt(caller: str | None, db: Session) -> None:
    deal = agreed_contract(make_user("victim"), make_user("worker"), price="100")
    fund(deal)
    payment = db.exec(select(Payment).where(Payment.contract_id == deal.contract_id)).one()
    state = state_for(ReceiptState, token=caller, path=f"/wallet/receipts/{payment.id}")
    call(state, "load_receipt")
    assert state.loaded and state.receipt.number == 0 and state.receipt.amount == "" and state.receipt.reference == ""
    assert state.refusal == ("Please sign in to continue." if caller is None else "That receipt does not exist.")


GUARDED = {"ReceiptState.load_receipt": _load_receipt}
