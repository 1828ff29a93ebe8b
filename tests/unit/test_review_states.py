"""The contract page's reviews panel as the parties use it: choose stars, write, submit, see messages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from jtbd_app.models import Contract, Review, User, utcnow
from jtbd_app.state.boundary import REFUSAL
from jtbd_app.state.contracts import ContractState
from jtbd_app.state.disputes import DisputeState
from jtbd_app.state.reviews import ContractReviewState
from tests.support.contracts import make_completed_contract
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token


def page_of(user: User | None, contract: Contract) -> Any:
    token = session_token(user) if user is not None else None
    state = state_for(ContractReviewState, token=token, path=f"/contracts/{contract.id}")
    call(state, "load_review")
    return state


def done_between(client: User, contractor: User) -> Contract:
    return make_completed_contract(client, contractor, completed_at=utcnow() - timedelta(days=1))


def test_a_party_chooses_stars_writes_and_submits_their_review(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    contract = done_between(ann, bob)
    state = page_of(ann, contract)
    assert state.loaded and state.refusal == "" and state.panel.can_review and state.panel.other_name == "Bob"

    call(state, "set_rating", "4")
    assert state.rating == "4"
    call(state, "submit_review", {"review": "Quick and careful."})

    assert state.errors == {} and state.notice == "Your review is in." and state.rating == ""
    assert state.panel.has_own_review and state.panel.own_review.rating == 4 and not state.panel.can_review
    assert [(r.rating, r.body) for r in db.exec(select(Review))] == [(4, "Quick and careful.")]


def test_the_second_review_publishes_both_and_the_page_shows_the_other(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    contract = done_between(ann, bob)
    first = page_of(ann, contract)
    call(first, "set_rating", "5")
    call(first, "submit_review", {"review": "Great."})
    second = page_of(bob, contract)
    assert second.panel.other_reviews == []  # Ann's stars stay hidden from Bob until he reviews
    call(second, "set_rating", "3")
    call(second, "submit_review", {"review": ""})
    assert second.notice == "Your review is in; both are published."
    assert [(r.author_name, r.rating, r.body) for r in second.panel.other_reviews] == [("Ann", 5, "Great.")]


def test_without_stars_the_rating_field_says_so_and_the_text_is_kept_unsaved(db: Session) -> None:
    contract = done_between(ann := make_user("ann"), make_user("bob"))
    state = page_of(ann, contract)
    call(state, "submit_review", {"review": "Forgot the stars."})
    assert state.errors == {"rating": "Choose from 1 to 5 stars."} and state.notice == ""
    assert db.exec(select(Review)).all() == [] and state.panel.can_review


def test_html_in_the_review_is_refused_next_to_the_field(db: Session) -> None:
    contract = done_between(ann := make_user("ann"), make_user("bob"))
    state = page_of(ann, contract)
    call(state, "set_rating", "2")
    call(state, "submit_review", {"review": "<img src=x onerror=alert(1)>"})
    assert state.errors == {"review": "Review cannot contain HTML; use plain text."}
    assert db.exec(select(Review)).all() == []


def test_the_rating_control_accepts_only_one_to_five(db: Session) -> None:
    contract = done_between(ann := make_user("ann"), make_user("bob"))
    state = page_of(ann, contract)
    for bad in ("0", "6", "4.5", "", "five"):
        call(state, "set_rating", "3")
        call(state, "set_rating", bad)
        assert state.rating == ""
    for not_text in (None, 5, ["5"]):
        assert call(state, "set_rating", not_text) is REFUSAL
        assert state.rating == ""


def test_a_forged_rating_var_is_still_checked_by_the_service(db: Session) -> None:
    contract = done_between(ann := make_user("ann"), make_user("bob"))
    state = page_of(ann, contract)
    for forged in ("9", 5, ["5"], {"x": 1}):
        state.rating = forged
        call(state, "submit_review", {"review": "x"})
        assert state.errors == {"rating": "Choose from 1 to 5 stars."}
    call(state, "submit_review", None)
    assert db.exec(select(Review)).all() == []


def test_a_stranger_sees_a_refusal_and_no_review(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    contract = done_between(ann, bob)
    mine = page_of(ann, contract)
    call(mine, "set_rating", "1")
    call(mine, "submit_review", {"review": "Secret words."})
    stranger = page_of(make_user("carl"), contract)
    assert stranger.refusal == "Only the client and the contractor of this contract can see its reviews."
    assert stranger.panel.own_review.body == "" and stranger.panel.other_reviews == []
    visitor = page_of(None, contract)
    assert visitor.refusal == "Please sign in to continue."
    missing = state_for(ContractReviewState, token=session_token(ann), path="/contracts/nope")
    call(missing, "load_review")
    assert missing.refusal == "There is no such contract."


def test_opening_the_contract_page_opens_its_reviews_and_dispute_panels_in_the_same_event(db: Session) -> None:
    """The page's one on_load (routes): ContractState.load_contract fills the sibling panels as their own loads did."""
    ann, bob = make_user("ann"), make_user("bob")
    contract = done_between(ann, bob)
    page = state_for(ContractState, token=session_token(ann), path=f"/contracts/{contract.id}")
    call(page, "load_contract")
    root = page.parent_state
    review, dispute = (
        root.get_substate([ContractReviewState.get_name()]),
        root.get_substate([DisputeState.get_name()]),
    )
    assert page.loaded and page.found
    assert review.loaded and review.refusal == "" and review.panel.can_review and review.panel.other_name == "Bob"
    assert dispute.loaded and not dispute.panel.exists

    stranger = state_for(ContractState, token=session_token(make_user("eve")), path=f"/contracts/{contract.id}")
    call(stranger, "load_contract")
    review = stranger.parent_state.get_substate([ContractReviewState.get_name()])
    dispute = stranger.parent_state.get_substate([DisputeState.get_name()])
    assert not stranger.found and review.loaded and not review.panel.can_review and not review.panel.other_name
    assert not dispute.panel.can_open and not dispute.panel.exists
