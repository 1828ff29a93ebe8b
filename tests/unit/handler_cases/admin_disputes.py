"""/admin/disputes and /admin/disputes/[id]: every handler that reads a case or decides refuses everyone but
administrators, loads nothing for them and moves no money."""

from __future__ import annotations

from sqlmodel import Session, col, select

from jtbd_app.models import AuditEntry, DisputeCase, FreezeDecision
from jtbd_app.state.admin_disputes import AdminDisputeCaseState, AdminDisputesState
from tests.support.contracts import Deal, agreed_contract
from tests.support.disputes import disputed_contract
from tests.support.handlers import call, state_for
from tests.support.members import make_user

PUBLIC: dict[str, str] = {
    "AdminDisputesState.apply_queue_filters": "only writes the chosen sort and status to the URL; loading it is checked",
    "AdminDisputesState.setvar": "Reflex built-in; display vars only; every load re-checks the admin role",
    "AdminDisputeCaseState.set_confirm_open": "shows or hides the confirm dialog in this browser; confirming is checked",
    "AdminDisputeCaseState.setvar": "Reflex built-in; display vars only; every load and decision re-checks the role",
}


def _victims_dispute() -> Deal:
    make_user("someadmin", role="admin")
    return disputed_contract(agreed_contract(make_user("vic"), make_user("val")))


def _nothing_decided(db: Session, deal: Deal) -> None:
    db.expire_all()
    assert deal.load().release_frozen and db.exec(select(FreezeDecision)).first() is None
    assert db.exec(select(DisputeCase)).one().status == "under_review"
    assert (
        db.exec(select(AuditEntry).where(col(AuditEntry.action).not_like("money.%"))).all() == []
    )  # not even a read of the parties' thread


def _case_state(caller: str | None, deal: Deal) -> AdminDisputeCaseState:
    state: AdminDisputeCaseState = state_for(
        AdminDisputeCaseState, token=caller, path=f"/admin/disputes/{deal.contract_id}"
    )
    state._pending = {"outcome": "split", "contractor_amount": "60", "reason": "Mine now."}
    return state


def _load_queue(caller: str | None, db: Session) -> None:
    _victims_dispute()
    state: AdminDisputesState = state_for(AdminDisputesState, token=caller, path="/admin/disputes")
    call(state, "load_admin_disputes")
    assert state.refusal and state.rows == [] and state.total == 0


def _load_case(caller: str | None, db: Session) -> None:
    deal = _victims_dispute()
    state = _case_state(caller, deal)
    call(state, "load_case")
    assert state.refusal and state.case.title == "" and state.case.timeline == []
    _nothing_decided(db, deal)


def _review(caller: str | None, db: Session) -> None:
    deal = _victims_dispute()
    state = _case_state(caller, deal)
    call(state, "review_decision", {"outcome": "split", "contractor_amount": "60", "reason": "Mine now."})
    assert state.errors["form"] and not state.confirm_open and state.preview.contractor == ""
    _nothing_decided(db, deal)


def _money(handler: str):  # type: ignore[no-untyped-def]
    def case(caller: str | None, db: Session) -> None:
        deal = _victims_dispute()
        state = _case_state(caller, deal)
        call(state, handler)
        assert state.errors["form"] and state.message == ""
        _nothing_decided(db, deal)

    return case


def _summarise(caller: str | None, db: Session) -> None:
    deal = _victims_dispute()
    state = _case_state(caller, deal)
    call(state, "summarise")
    assert state.summary_error and state.summary_client == "" and not state.summarising
    _nothing_decided(db, deal)


GUARDED = {
    "AdminDisputesState.load_admin_disputes": _load_queue,
    "AdminDisputeCaseState.load_case": _load_case,
    "AdminDisputeCaseState.review_decision": _review,
    "AdminDisputeCaseState.confirm_decision": _money("confirm_decision"),
    "AdminDisputeCaseState.retry_refund": _money("retry_refund"),
    "AdminDisputeCaseState.summarise": _summarise,
}
