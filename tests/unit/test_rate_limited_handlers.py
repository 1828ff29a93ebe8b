"""The pages' handlers under tight rate limits (RATE_LIMITS): the action past the count is refused with how long to
wait, next to the form, and nothing is stored."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import Session, func, select

import jtbd_app.routes  # noqa: F401  (every page, and so every state class, as the app has them)
from jtbd_app.config import get_settings
from jtbd_app.models import AuthSession, Bid, LoginGrant, User
from jtbd_app.state.auth import LoginState, SignupState
from jtbd_app.state.listings import ListingState
from tests.support.factories import OFFER, make_listing
from tests.support.handlers import call, state_for
from tests.support.members import PASSWORD, make_user, session_token


def refusal(action: str) -> re.Pattern[str]:
    """The message; the wait is what is left of the window on the real clock (tests/unit/test_rate_limits.py)."""
    return re.compile(
        rf"Too many {action} from you in a short time\. Please wait \d+ (second|minute|hour)s? and try again\."
    )


@pytest.fixture
def tight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMITS", "bid.member=2/3600,sign_up.address=1/3600,sign_in.member=2/600")
    get_settings.cache_clear()


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return int(db.exec(select(func.count()).select_from(model)).one())


@pytest.mark.usefixtures("tight")
def test_a_member_past_their_bid_count_is_told_to_wait_and_no_bid_is_stored(db: Session) -> None:
    owner, token = make_user("ann"), session_token(make_user("bob"))
    pages = [state_for(ListingState, token=token, path=f"/listings/{make_listing(owner).id}") for _ in range(3)]
    for page in pages:
        call(page, "load_listing")
        call(page, "place_bid", OFFER)

    assert [p.errors for p in pages[:2]] == [{}, {}]
    assert list(pages[2].errors) == ["form"] and refusal("bids").fullmatch(pages[2].errors["form"])
    assert pages[2].notice == "" and _count(db, Bid) == 2


SIGN_UP: dict[str, Any] = {"display_name": "New Comer", "password": "a-long-enough-password", "accept_terms": True}


def _sign_up(username: str, ip: str) -> SignupState:
    page = state_for(SignupState, path="/signup", ip=ip)
    call(page, "load_signup")
    call(page, "submit_signup", {**SIGN_UP, "username": username, "email": f"{username}@example.com"})
    return page


@pytest.mark.usefixtures("tight")
def test_a_second_sign_up_from_one_address_is_refused_above_the_form_and_creates_no_account(db: Session) -> None:
    _sign_up("first", "203.0.113.5")

    refused = _sign_up("second", "203.0.113.5")

    assert list(refused.errors) == ["form"] and refusal("new accounts").fullmatch(refused.errors["form"])
    assert [u.username for u in db.exec(select(User))] == ["first"]
    assert _sign_up("third", "198.51.100.7").errors == {}  # another address is counted apart


@pytest.mark.usefixtures("tight")
def test_sign_in_attempts_on_one_identifier_are_counted_even_with_the_right_password(db: Session) -> None:
    make_user("ann")
    sessions, grants = _count(db, AuthSession), _count(db, LoginGrant)
    login = state_for(LoginState, path="/login")
    for _ in range(2):
        call(login, "submit_login", {"identifier": "ann", "password": "wrong-password"})

    call(login, "submit_login", {"identifier": " ANN ", "password": PASSWORD})

    assert refusal("sign-in attempts").fullmatch(login.form_error)
    assert (_count(db, AuthSession), _count(db, LoginGrant)) == (sessions, grants)
