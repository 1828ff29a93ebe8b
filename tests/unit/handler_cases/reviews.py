"""The reviews panel's handlers: only a party reviews, once; nobody else reads a review before it is published."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import Contract, Notification, Profile, Review, utcnow
from jtbd_app.services.contracts import reviews
from jtbd_app.services.contracts.review_view import ReviewItem, ReviewPanel
from jtbd_app.state.reviews import ContractReviewState
from tests.support.contracts import make_completed_contract
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.support.viewers import viewer_of
from tests.unit.handler_cases import UI_ONLY

PUBLIC = {
    "ContractReviewState.setvar": "Reflex built-in; display vars only; loading and submitting re-check the viewer",
    "ContractReviewState.set_rating": UI_ONLY,
    "ProfileState.show_reviews_page": "published reviews are public; the service lists only published ones",
}
SECRET = "Victim's unpublished words"


def _victims_contract() -> Contract:
    """A completed contract between two other members; the client's review of the contractor is not yet shown."""
    client, contractor = make_user("victim"), make_user("worker")
    contract = make_completed_contract(client, contractor, completed_at=utcnow() - timedelta(days=1))
    with session_scope() as s:
        reviews.leave_review(s, viewer=viewer_of(client), contract_id=contract.id, rating=1, body=SECRET)
    return contract


def _state(caller: str | None, contract: Contract) -> ContractReviewState:
    state: ContractReviewState = state_for(ContractReviewState, token=caller, path=f"/contracts/{contract.id}")
    return state


def _load_review(caller: str | None, db: Session) -> None:
    contract = _victims_contract()
    state = _state(caller, contract)
    call(state, "load_review")
    assert state.refusal and state.panel == ReviewPanel()
    assert SECRET not in repr(state.dict())


def _submit_review(caller: str | None, db: Session) -> None:
    contract = _victims_contract()
    notices = len(db.exec(select(Notification)).all())
    state = _state(caller, contract)
    # A forged panel that claims the caller may review, and forged stars
    state.panel = ReviewPanel(contract_id=contract.id or 0, can_review=True, own_review=ReviewItem())
    state.rating = "5"
    call(state, "submit_review", {"review": "Forged praise."})
    assert state.errors and state.notice == ""
    assert [r.body for r in db.exec(select(Review))] == [SECRET]
    assert len(db.exec(select(Notification)).all()) == notices
    db.expire_all()
    assert all((p.rating_total, p.rating_count) == (0, 0) for p in db.exec(select(Profile)))


GUARDED = {
    "ContractReviewState.load_review": _load_review,
    "ContractReviewState.submit_review": _submit_review,
}
