"""Server-side sessions: one-time grants, cookie tokens, revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.domain.errors import NotSignedIn
from jtbd_app.models import AuthSession, LoginGrant, utcnow
from jtbd_app.services.accounts import sign_in, terms
from jtbd_app.services.messaging import notifications, session_view
from jtbd_app.services.tokens import session_key, token_hash
from jtbd_app.services.viewer import viewer_from_token
from tests.support.members import make_user, session_token


def redeem(db: Session, grant: str, nonce: str | None) -> str:
    return sign_in.redeem_login_grant(
        db, grant=grant, browser_nonce=nonce, ip="1.1.1.1", user_agent="ua", session_days=30
    )


def test_a_grant_opens_one_session_and_cannot_be_used_twice(db: Session) -> None:
    user = make_user("ann")
    issued = sign_in.issue_login_grant(db, user=user)
    token = redeem(db, issued.grant, issued.browser_nonce)
    viewer = viewer_from_token(db, token)
    assert viewer is not None and viewer.username == "ann" and not viewer.is_admin
    with pytest.raises(NotSignedIn):
        redeem(db, issued.grant, issued.browser_nonce)


def test_an_expired_or_unknown_grant_is_refused(db: Session) -> None:
    user = make_user("ann")
    issued = sign_in.issue_login_grant(db, user=user)
    row = db.get(LoginGrant, token_hash(issued.grant))
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    for bad in (issued.grant, "made-up", "", "x" * 500):
        with pytest.raises(NotSignedIn):
            redeem(db, bad, issued.browser_nonce)


@pytest.mark.parametrize("nonce", [None, "", "another-browsers-nonce", "x" * 500])
def test_a_grant_redeemed_by_a_browser_without_its_nonce_is_refused(db: Session, nonce: str | None) -> None:
    """A grant issued to one browser and sent to another (a login CSRF) opens no session there."""
    ann, bea = make_user("ann"), make_user("bea")
    issued, other = sign_in.issue_login_grant(db, user=ann), sign_in.issue_login_grant(db, user=bea)

    for wrong in (nonce, other.browser_nonce):
        with pytest.raises(sign_in.GrantFromAnotherBrowser) as refused:
            redeem(db, issued.grant, wrong)
        assert refused.value.message == sign_in.OTHER_BROWSER
    assert db.exec(select(AuthSession)).all() == []

    viewer = viewer_from_token(db, redeem(db, issued.grant, issued.browser_nonce))  # its own browser still can
    assert viewer is not None and viewer.username == "ann"


def test_only_hashes_of_the_grant_and_its_nonce_are_stored(db: Session) -> None:
    issued = sign_in.issue_login_grant(db, user=make_user("ann"))
    row = db.exec(select(LoginGrant)).one()
    assert (row.token_hash, row.browser_nonce_hash) == (token_hash(issued.grant), token_hash(issued.browser_nonce))
    assert issued.grant != issued.browser_nonce


def test_only_the_hash_of_a_token_is_stored(db: Session) -> None:
    user = make_user("ann")
    token = session_token(user)
    stored = db.exec(select(AuthSession)).one()
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash


def test_sign_out_revokes_only_that_session(db: Session) -> None:
    user = make_user("ann")
    first, second = session_token(user), session_token(user)
    sign_in.sign_out(db, key=session_key(first))
    assert viewer_from_token(db, first) is None
    assert viewer_from_token(db, second) is not None


def test_sign_out_everywhere_revokes_every_session_of_the_viewer_only(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    tokens = [session_token(ann) for _ in range(3)]
    bobs = session_token(bob)
    viewer = viewer_from_token(db, tokens[0])
    assert sign_in.sign_out_everywhere(db, viewer=viewer) == 3
    assert all(viewer_from_token(db, t) is None for t in tokens)
    assert viewer_from_token(db, bobs) is not None
    with pytest.raises(NotSignedIn):
        sign_in.sign_out_everywhere(db, viewer=None)


def test_an_expired_session_is_not_a_viewer(db: Session) -> None:
    token = session_token(make_user("ann"))
    row = db.exec(select(AuthSession)).one()
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.add(row)
    assert viewer_from_token(db, token) is None
    assert viewer_from_token(db, None) is None


def test_the_session_summary_names_the_member_their_counts_and_new_terms(db: Session) -> None:
    ann = make_user("ann")
    assert ann.id is not None
    token = session_token(ann)
    assert session_view.session_summary(db, key=None) == session_view.SessionSummary()
    assert session_view.session_summary(db, key=session_key("forged")) == session_view.SessionSummary()
    notifications.notify(db, user_id=ann.id, kind="bid_received", title="A bid")
    terms.publish_terms(db, title="Terms", body="Version two.")
    summary = session_view.session_summary(db, key=session_key(token))
    assert summary.viewer is not None and summary.viewer.username == "ann"
    assert (summary.needs_terms, summary.unread_notifications, summary.unread_messages) == (True, 1, 0)
