"""`/api/payouts/onboarding`: only a signed-in member gets an onboarding link; it creates their payout account once."""

from __future__ import annotations

from sqlmodel import Session, select
from starlette.testclient import TestClient

from jtbd_app.api.app import create_api
from jtbd_app.models import PayoutAccount
from jtbd_app.services.viewer import SESSION_COOKIE
from tests.support.members import make_user, session_token


def client(token: str = "") -> TestClient:
    c = TestClient(create_api(), base_url="http://localhost:3000", follow_redirects=False)
    if token:
        c.cookies.set(SESSION_COOKIE, token)
    return c


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_created(db: Session) -> None:
    response = client().get("/api/payouts/onboarding")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert db.exec(select(PayoutAccount)).all() == []


def test_a_member_gets_a_link_and_one_payout_account_however_often_they_come(db: Session) -> None:
    token = session_token(make_user("ken"))
    for _ in range(2):
        response = client(token).get("/api/payouts/onboarding")
        # The sandbox needs no details: its link leads straight back to the wallet.
        assert response.status_code == 303 and response.headers["location"].endswith("/wallet?payouts=return")
    accounts = db.exec(select(PayoutAccount)).all()
    assert len(accounts) == 1 and accounts[0].gateway == "sandbox" and accounts[0].payouts_enabled


def test_a_forged_cookie_is_anonymous(db: Session) -> None:
    response = client("forged-token").get("/api/payouts/onboarding")
    assert response.headers["location"].startswith("/login")
    assert db.exec(select(PayoutAccount)).all() == []
