"""User administration: /admin/users and /admin/users/[id] refuse everyone but an active administrator, load nothing
about any member for them, and change nothing (no status, role, strike or audit entry)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from jtbd_app.models import AuditEntry, Notification, Strike, User
from jtbd_app.state.admin_users import AdminUsersState, MemberRecordState
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.unit.handler_cases import UI_ONLY, Case

PUBLIC: dict[str, str] = {
    "AdminUsersState.setvar": "Reflex built-in; display vars only; every search re-checks the admin role",
    "MemberRecordState.setvar": "Reflex built-in; display vars only; every load and action re-checks the admin role",
    "MemberRecordState.start_action": UI_ONLY,
    "MemberRecordState.cancel_action": UI_ONLY,
}


def _target(status: str = "active", role: str = "user") -> User:
    """An administrator exists (so the site is set up) and a member whose record a caller tries to reach."""
    make_user("someadmin", role="admin")
    return make_user("target", status=status, role=role)


def _unchanged(db: Session, target: User, *, status: str, role: str) -> None:
    db.expire_all()
    user = db.get(User, target.id)
    assert user is not None and (user.status, user.role) == (status, role)
    assert db.exec(select(AuditEntry)).all() == [] and db.exec(select(Strike)).all() == []
    assert db.exec(select(Notification).where(Notification.user_id == target.id)).all() == []


def _load_users(caller: str | None, db: Session) -> None:
    _target()
    state = state_for(AdminUsersState, token=caller, path="/admin/users")
    call(state, "load_admin_users")
    assert state.refusal and state.rows == [] and state.total == 0


def _search(caller: str | None, db: Session) -> None:
    _target()
    state = state_for(AdminUsersState, token=caller, path="/admin/users")
    result = call(state, "search_members", {"q": "target", "role": "", "status": ""})
    assert result is None and state.refusal and state.rows == []


def _record_state(caller: str | None, target: User) -> MemberRecordState:
    state: MemberRecordState = state_for(MemberRecordState, token=caller, path=f"/admin/users/{target.id}")
    return state


def _load_record(caller: str | None, db: Session) -> None:
    target = _target()
    state = _record_state(caller, target)
    call(state, "load_member_record")
    assert state.refusal and state.member.id == 0 and state.member.email == "" and state.contracts == []


def _action(handler: str, *, status: str = "active", role: str = "user") -> Case:
    def case(caller: str | None, db: Session) -> None:
        target = _target(status=status, role=role)
        state = _record_state(caller, target)
        call(state, handler, {"reason": "Because I can."})
        assert state.errors["form"] and state.message == "" and state.member.email == ""
        _unchanged(db, target, status=status, role=role)

    return case


GUARDED: dict[str, Callable[[str | None, Session], None]] = {
    "AdminUsersState.load_admin_users": _load_users,
    "AdminUsersState.search_members": _search,
    "MemberRecordState.load_member_record": _load_record,
    "MemberRecordState.suspend_member": _action("suspend_member"),
    "MemberRecordState.reinstate_member": _action("reinstate_member", status="suspended"),
    "MemberRecordState.warn_member": _action("warn_member"),
    "MemberRecordState.promote_member": _action("promote_member"),
    "MemberRecordState.demote_admin": _action("demote_admin", role="admin"),
}
