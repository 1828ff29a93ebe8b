"""A member's standing: a warning is a strike the member reads; a suspension also changes the account, which
still signs in but can change nothing; reinstatement lifts it. Only administrators act, never on themselves, and
so one active administrator always remains. Each step is told to the member and written to the audit log."""

from __future__ import annotations

import pytest
from sqlmodel import select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import AuditEntry, Notification, Strike, User
from jtbd_app.services.trust import standing
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def test_a_warning_is_a_strike_the_member_is_told_about_and_the_account_stays_active() -> None:
    admin, bob = make_user("mod", role="admin"), make_user("bob")
    with session_scope() as s:
        standing.warn_member(s, viewer=viewer_of(admin), user_id=bob.id, reason="Keep payments on the platform.")
    with session_scope() as s:
        assert s.get(User, bob.id).status == "active"  # type: ignore[union-attr]
        strike = s.exec(select(Strike)).one()
        assert (strike.kind, strike.reason, strike.given_by) == ("warning", "Keep payments on the platform.", admin.id)
        note = s.exec(select(Notification).where(Notification.user_id == bob.id)).one()
        assert note.kind == "moderation" and "warning" in note.title
        assert s.exec(select(AuditEntry.action, AuditEntry.subject)).all() == [("member.warn", f"user:{bob.id}")]


def test_a_suspension_keeps_its_reason_on_the_account_and_reinstatement_lifts_it() -> None:
    admin, bob = make_user("mod", role="admin"), make_user("bob")
    with session_scope() as s:
        standing.suspend_member(s, viewer=viewer_of(admin), user_id=str(bob.id), reason="Scam listings.")
    with session_scope() as s:
        user = s.get(User, bob.id)
        assert user is not None and (user.status, user.suspended_reason) == ("suspended", "Scam listings.")
    with session_scope() as s:
        standing.reinstate_member(s, viewer=viewer_of(admin), user_id=bob.id, reason="Appeal granted.")
    with session_scope() as s:
        user = s.get(User, bob.id)
        assert user is not None and (user.status, user.suspended_reason) == ("active", "")
        assert [st.lifted_at is not None for st in standing.strikes_of(s, user_id=bob.id or 0)] == [True]
        actions = s.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
        assert actions == ["member.suspend", "member.reinstate"]


@pytest.mark.parametrize("reason", ["", "   ", "<b>bad</b>", "x" * 501, None, 42])
def test_a_reason_is_required_plain_and_short_and_nothing_changes_without_one(reason: object) -> None:
    admin, bob = make_user("mod", role="admin"), make_user("bob")
    with pytest.raises(ValidationFailed) as err, session_scope() as s:
        standing.suspend_member(s, viewer=viewer_of(admin), user_id=bob.id, reason=reason)
    assert "reason" in err.value.fields
    with session_scope() as s:
        assert s.get(User, bob.id).status == "active" and not s.exec(select(Strike)).all()  # type: ignore[union-attr]


def test_only_an_active_administrator_acts() -> None:
    bob, eve = make_user("bob"), make_user("eve")
    gone = make_user("gone", role="admin", status="suspended")
    for who in (None, viewer_of(eve), viewer_of(gone)):
        with pytest.raises((PermissionDenied, NotSignedIn)), session_scope() as s:
            standing.suspend_member(s, viewer=who, user_id=bob.id, reason="Because.")
    with session_scope() as s:
        assert s.get(User, bob.id).status == "active"  # type: ignore[union-attr]


def test_no_admin_suspends_themselves_so_one_active_admin_always_remains() -> None:
    admin, other = make_user("mod", role="admin"), make_user("mod2", role="admin")
    with pytest.raises(ValidationFailed, match="yourself"), session_scope() as s:
        standing.suspend_member(s, viewer=viewer_of(admin), user_id=admin.id, reason="Test.")
    with session_scope() as s:
        standing.suspend_member(s, viewer=viewer_of(admin), user_id=other.id, reason="Compromised account.")
    with session_scope() as s:  # admin is now the only active one; the suspended one cannot act at all
        assert standing.active_admins(s) == 1
    with pytest.raises(ValidationFailed, match="already suspended"), session_scope() as s:
        standing.suspend_member(s, viewer=viewer_of(admin), user_id=other.id, reason="Again.")
    for missing in ("nope", 10_000):
        with pytest.raises((NotFound, ValidationFailed), match="No such member"), session_scope() as s:
            standing.warn_member(s, viewer=viewer_of(admin), user_id=missing, reason="Hm.")
