"""Paying by card through Stripe Elements, as the contract page's handlers see it: the page offers Stripe's card
field with the publishable key only, and what the browser reports back is shown, never trusted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import Session, select

from jtbd_app.models import JournalEntry, Payment
from jtbd_app.state import card_payment
from jtbd_app.state.contracts import ContractState
from tests.support.contracts import Deal, agreed_contract, fund
from tests.support.handlers import call, state_for
from tests.support.localstripe_server import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET
from tests.support.members import make_user, session_token
from tests.support.stripe_contracts import stripe_mode


def client_page(db: Session) -> tuple[Deal, Any]:
    carol = make_user("carol")
    deal = agreed_contract(carol, make_user("ken"), price="100")
    state = state_for(ContractState, token=session_token(carol), path=f"/contracts/{deal.contract_id}")
    call(state, "load_contract")
    return deal, state


def nothing_funded(db: Session, deal: Deal) -> bool:
    db.expire_all()
    return (
        deal.load().status == "awaiting_funding"
        and db.exec(select(JournalEntry)).all() == []
        and db.exec(select(Payment)).all() == []
    )


def test_with_stripe_on_the_page_offers_stripes_card_field_and_no_test_money_banner(db: Session) -> None:
    with stripe_mode():
        _, state = client_page(db)
    shown = json.dumps(state.dict(), default=repr)
    assert state.is_stripe and state.detail.actions.fund and not state.detail.test_money
    assert state.stripe_publishable_key == PUBLISHABLE_KEY and state.stripe_js_url == "https://js.stripe.com/v3/"
    assert SECRET_KEY not in shown and WEBHOOK_SECRET not in shown


def test_the_browsers_word_alone_funds_nothing(db: Session) -> None:
    deal, state = client_page(db)

    then = call(state, "card_payment_result", {"status": "succeeded"})

    assert state.progress == card_payment.WAITING and state.errors == {}
    assert then is not None and then.fn.__name__ == "watch_funding"
    assert nothing_funded(db, deal)
    call(state, "load_contract")
    assert state.detail.status == "awaiting_funding" and state.detail.actions.fund


def test_a_card_error_from_stripe_js_is_shown_next_to_the_card_field(db: Session) -> None:
    deal, state = client_page(db)

    then = call(state, "card_payment_result", {"error": "Your card was declined."})

    assert then is None and state.errors == {"card": "Your card was declined."} and state.progress == ""
    assert nothing_funded(db, deal)


@pytest.mark.parametrize(
    "answer", [None, "succeeded", ["succeeded"], {}, {"status": "requires_payment_method"}, {"error": 5}]
)
def test_an_answer_that_is_not_stripes_success_counts_as_not_completed(db: Session, answer: object) -> None:
    deal, state = client_page(db)

    then = call(state, "card_payment_result", answer)

    assert then is None and state.errors == {"card": card_payment.NOT_COMPLETED} and state.progress == ""
    assert nothing_funded(db, deal)


def test_a_long_error_from_the_browser_is_cut_short(db: Session) -> None:
    _, state = client_page(db)
    call(state, "card_payment_result", {"error": "x" * 5000})
    assert len(state.errors["card"]) == 300


def test_the_watcher_stops_and_says_so_once_the_escrow_is_funded(db: Session) -> None:
    deal, state = client_page(db)
    call(state, "card_payment_result", {"status": "succeeded"})
    fund(deal)  # as the webhook's handler would

    call(state, "watch_funding")

    assert state.notice == card_payment.FUNDED and state.progress == "" and state.detail.status == "funded"
    assert not state._watching_funding


def test_a_second_watcher_on_the_same_page_does_nothing(db: Session) -> None:
    deal, state = client_page(db)
    state._watching_funding = True
    fund(deal)

    call(state, "watch_funding")

    assert state.detail.status == "awaiting_funding" and state._watching_funding
