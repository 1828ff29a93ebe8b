"""The user administration handlers serve an active administrator: the search from the URL, the record, an action
with a reason (a bad one gets its message next to the field), the page reloaded after."""

from __future__ import annotations

from sqlmodel import select

from jtbd_app.db import session_scope
from jtbd_app.models import User
from jtbd_app.state.admin_users import AdminUsersState, MemberRecordState
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token


def test_an_administrator_finds_a_member_and_acts_through_the_handlers() -> None:
    """The same handlers serve an administrator: the search, the record, and an action that reloads it."""
    make_user("someadmin", role="admin")
    target = make_user("target")
    with session_scope() as s:
        admin = s.exec(select(User).where(User.username == "someadmin")).one()
    token = session_token(admin)
    users = state_for(AdminUsersState, token=token, path="/admin/users")
    call(users, "load_admin_users")
    assert users.refusal == "" and [r.username for r in users.rows] == ["target", "someadmin"]
    state = state_for(MemberRecordState, token=token, path=f"/admin/users/{target.id}")
    call(state, "load_member_record")
    assert state.refusal == "" and state.member.email == "target@example.com"
    call(state, "suspend_member", {"reason": ""})
    assert state.errors["reason"] and state.member.status == "active"
    call(state, "suspend_member", {"reason": "Spam listings."})
    assert state.errors == {} and state.message.startswith("Suspended") and state.member.status == "suspended"
    assert [s.kind for s in state.strikes] == ["suspension"] and state.audit[0].action == "member.suspend"


def test_the_search_is_read_from_the_url_and_written_back_to_it() -> None:
    admin = make_user("boss", role="admin")
    make_user("ann_lee")
    make_user("annxlee")
    token = session_token(admin)
    state = state_for(AdminUsersState, token=token, path="/admin/users?q=ANN&status=active&page=1")
    call(state, "load_admin_users")
    assert state.refusal == "" and [r.username for r in state.rows] == ["annxlee", "ann_lee"]
    assert state.values == {"q": "ANN", "role": "", "status": "active"} and state.filtered
    found = call(state, "search_members", {"q": "n_l", "role": "user", "status": ""})
    assert [r.username for r in state.rows] == ["ann_lee"] and state.values["q"] == "n_l"
    assert found is not None and "/admin/users?q=n_l&role=user" in str(found)
    refused = call(state, "search_members", {"q": "x" * 150, "role": "root", "status": ""})
    assert refused is None and set(state.errors) == {"q", "role"}
