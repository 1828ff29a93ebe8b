"""A member's own sessions and password change."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from jtbd_app.domain.errors import NotFound, NotSignedIn, ValidationFailed
from jtbd_app.models import AuthSession, User
from jtbd_app.services.accounts import membership, security
from jtbd_app.services.tokens import session_key
from jtbd_app.services.viewer import viewer_from_token
from tests.support.members import make_user, session_token


def test_a_member_sees_only_their_own_open_sessions_with_the_current_one_marked(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    current, other = session_token(ann), session_token(ann)
    session_token(bob)
    listed = security.open_sessions(db, viewer=viewer_from_token(db, current), current_key=session_key(current))
    assert len(listed) == 2 and [s.current for s in listed].count(True) == 1
    security.revoke_session(
        db, viewer=viewer_from_token(db, current), session_id=next(s.id for s in listed if not s.current)
    )
    assert viewer_from_token(db, other) is None and viewer_from_token(db, current) is not None
    with pytest.raises(NotSignedIn):
        security.open_sessions(db, viewer=None, current_key=None)


def test_nobody_can_revoke_another_members_session(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    ann_token, bob_token = session_token(ann), session_token(bob)
    bob_session = db.exec(select(AuthSession).where(AuthSession.user_id == bob.id)).one()
    for bad in (bob_session.id, "1", None, True, 10**9):
        with pytest.raises(NotFound):
            security.revoke_session(db, viewer=viewer_from_token(db, ann_token), session_id=bad)
    assert viewer_from_token(db, bob_token) is not None


def test_changing_the_password_needs_the_current_one_and_signs_out_other_sessions(db: Session) -> None:
    ann = make_user("ann")
    current, other = session_token(ann), session_token(ann)
    viewer = viewer_from_token(db, current)
    with pytest.raises(ValidationFailed) as caught:
        security.change_password(
            db, viewer=viewer, current_password="wrong", new_password="short", current_key=session_key(current)
        )
    assert set(caught.value.fields) == {"current_password", "new_password"}
    closed = security.change_password(
        db,
        viewer=viewer,
        current_password="correct-horse-battery",
        new_password="a-brand-new-password",
        current_key=session_key(current),
    )
    db.commit()
    assert closed == 1 and viewer_from_token(db, other) is None and viewer_from_token(db, current) is not None
    policy = membership.ThrottlePolicy()
    assert membership.authenticate(db, identifier="ann", password="a-brand-new-password", address="x", policy=policy)


def test_a_member_without_a_password_may_set_one(db: Session) -> None:
    ann = make_user("ann")
    user = db.get(User, ann.id)
    assert user is not None
    user.password_hash = None
    db.add(user)
    db.commit()
    token = session_token(ann)
    security.change_password(
        db,
        viewer=viewer_from_token(db, token),
        current_password="",
        new_password="first-password-here",
        current_key=session_key(token),
    )
    db.commit()
    assert membership.authenticate(
        db, identifier="ann", password="first-password-here", address="x", policy=membership.ThrottlePolicy()
    )


def test_devices_are_named_from_the_user_agent() -> None:
    ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
    assert security._device(ua) == "Chrome on Linux"
    assert security._device("") == "Browser on unknown system"
