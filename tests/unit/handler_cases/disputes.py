"""The dispute section's handlers: a stranger or a visitor, with a forged contract id in the route, neither sees a
dispute nor opens, answers, settles or escalates one; the case and the ledger do not move."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import reflex as rx
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import DisputeCase, DisputeEntry, DisputeFile, JournalEntry
from jtbd_app.services.ledger import journal
from jtbd_app.services.trust import dispute_settlements, dispute_view, disputes
from jtbd_app.state.disputes import DisputeState
from tests.support.contracts import Deal, agreed_contract, deliver, fund
from tests.support.handlers import call, call_upload, state_for
from tests.support.members import make_user
from tests.unit.handler_cases import UI_ONLY

PUBLIC = {
    "DisputeState.setvar": "Reflex built-in; display vars only; every action re-reads the cookie and the route",
    "DisputeState.set_outcome": UI_ONLY,
}
REFUSED = ("Please sign in to continue.", "That contract does not exist.")


def _deal(*, opened: bool = True, offer: bool = False) -> Deal:
    deal = agreed_contract(make_user("victim"), make_user("worker"), price="100")
    fund(deal)
    deliver(deal)
    if opened:
        with session_scope() as s:
            disputes.open_dispute(
                s,
                viewer=deal.client,
                contract_id=deal.contract_id,
                reason_code="late",
                reason_text="Victim's private statement.",
                outcome_wanted="full_refund",
            )
    if offer:
        with session_scope() as s:
            dispute_settlements.offer_settlement(
                s, viewer=deal.client, contract_id=deal.contract_id, contractor_amount="10"
            )
    return deal


def _state(caller: str | None, deal: Deal) -> Any:
    return state_for(DisputeState, token=caller, path=f"/contracts/{deal.contract_id}")


def _snapshot(db: Session) -> tuple[Any, ...]:
    db.expire_all()
    cases = [(c.status, c.offer_by, c.offer_contractor_minor) for c in db.exec(select(DisputeCase)).all()]
    return (
        cases,
        len(db.exec(select(DisputeEntry)).all()),
        len(db.exec(select(DisputeFile)).all()),
        sorted(journal.balances_by_code(db).items()),
        len(db.exec(select(JournalEntry)).all()),
    )


def _refused(state: Any) -> None:
    assert state.errors.get("form") in REFUSED, state.errors
    assert state.panel == dispute_view.DisputePanel()


def _load_dispute(caller: str | None, db: Session) -> None:
    deal = _deal()
    state = _state(caller, deal)
    call(state, "load_dispute")
    assert state.loaded and state.panel == dispute_view.DisputePanel()


def _open_dispute(caller: str | None, db: Session) -> None:
    deal = _deal(opened=False)
    before = _snapshot(db)
    state = _state(caller, deal)
    form = {"reason_code": "late", "reason_text": "Freeze it.", "outcome_wanted": "full_refund", "refund": ""}
    call(state, "open_dispute", form)
    _refused(state)
    assert _snapshot(db) == before and not deal.load().release_frozen


def _submit_entry(caller: str | None, db: Session) -> None:
    deal = _deal()
    before = _snapshot(db)
    state = _state(caller, deal)
    upload = rx.UploadFile(file=io.BytesIO(b"forged evidence"), path=Path("forged.txt"))
    call_upload(state, "submit_entry", [upload], "I answer for them.", "")
    _refused(state)
    assert _snapshot(db) == before


def _ask_review(caller: str | None, db: Session) -> None:
    deal = _deal()
    with session_scope() as s:
        disputes.submit_entry(
            s, viewer=deal.contractor, contract_id=deal.contract_id, kind="response", body="Answer.", links="", files=[]
        )
    before = _snapshot(db)
    state = _state(caller, deal)
    call(state, "ask_review")
    _refused(state)
    assert _snapshot(db) == before


def _offer_settlement(caller: str | None, db: Session) -> None:
    deal = _deal()
    before = _snapshot(db)
    state = _state(caller, deal)
    call(state, "offer_settlement", {"offer": "100"})
    _refused(state)
    assert _snapshot(db) == before


def _withdraw_settlement(caller: str | None, db: Session) -> None:
    deal = _deal(offer=True)
    before = _snapshot(db)
    state = _state(caller, deal)
    call(state, "withdraw_settlement")
    _refused(state)
    assert _snapshot(db) == before


def _accept_settlement(caller: str | None, db: Session) -> None:
    deal = _deal(offer=True)
    before = _snapshot(db)
    state = _state(caller, deal)
    state.panel = dispute_view.DisputePanel(offer_minor=1_000)  # a forged var
    call(state, "accept_settlement")
    assert state.errors.get("form") in REFUSED, state.errors
    assert _snapshot(db) == before and deal.load().release_frozen


GUARDED = {
    "DisputeState.load_dispute": _load_dispute,
    "DisputeState.open_dispute": _open_dispute,
    "DisputeState.submit_entry": _submit_entry,
    "DisputeState.ask_review": _ask_review,
    "DisputeState.offer_settlement": _offer_settlement,
    "DisputeState.withdraw_settlement": _withdraw_settlement,
    "DisputeState.accept_settlement": _accept_settlement,
}
