"""Every event handler of every state is either declared public, or proven to refuse the wrong caller.

Any browser can call any handler over the websocket with any arguments, so this table is the contract:
a new handler fails `test_every_handler_is_declared` until it is listed here or in a module of
`tests/unit/handler_cases/` (one per area, each with its own PUBLIC and GUARDED tables).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import AuthSession, Profile, TermsAcceptance, User
from jtbd_app.services.accounts import terms
from jtbd_app.services.viewer import viewer_from_token
from jtbd_app.state.admin import AdminState
from jtbd_app.state.boundary import REFUSAL
from jtbd_app.state.profiles import ProfileState
from jtbd_app.state.session import SessionState
from jtbd_app.state.settings import SettingsState
from jtbd_app.state.terms import TermsState
from tests.support.handlers import app_handlers, call, state_for
from tests.support.members import make_user, session_token
from tests.unit.handler_cases import UI_ONLY, collect

# Handlers anyone may call: they read public data or the caller's own sign-in, or change nothing stored.
PUBLIC: dict[str, str] = {
    "SessionState.load_session": "shows the caller's own sign-in, derived from the caller's cookie",
    "SessionState.setvar": "Reflex built-in; sets display vars only; every check re-reads the cookie",
    "SessionState.sign_out": "revokes only the session of the caller's own cookie",
    "LoginState.load_login": "lists configured providers (public)",
    "LoginState.submit_login": "anyone may try to sign in; throttled per account and address",
    "LoginState.setvar": "Reflex built-in; display vars only",
    "SignupState.load_signup": "shows the current terms version (public)",
    "SignupState.submit_signup": "anyone may sign up; validated by the service",
    "SignupState.setvar": "Reflex built-in; display vars only",
    "TermsState.load_terms": "terms are public",
    "TermsState.setvar": "Reflex built-in; display vars only",
    "ProfileState.load_profile": "profiles are public; no email or secret is loaded",
    "ProfileState.start_edit": UI_ONLY,
    "ProfileState.cancel_edit": UI_ONLY,
    "ProfileState.set_edit_remote": UI_ONLY,
    "ProfileState.set_skill_draft": "suggests skill names, which are public",
    "ProfileState.add_skill": UI_ONLY,
    "ProfileState.skill_key_down": UI_ONLY,
    "ProfileState.remove_skill": UI_ONLY,
    "ProfileState.setvar": "Reflex built-in; display vars only; saving re-checks ownership",
    "AdminState.setvar": "Reflex built-in; display vars only; loading re-checks the admin role",
    "SettingsState.setvar": "Reflex built-in; display vars only; every settings handler re-reads the cookie",
}


def _sign_out_everywhere(caller: str | None, db: Session) -> None:
    victim = make_user("victim")
    victim_token = session_token(victim)
    state = state_for(SessionState, token=caller)
    call(state, "sign_out_everywhere")
    with session_scope() as s:
        assert viewer_from_token(s, victim_token) is not None, "another user's sessions must survive"
    if caller is None:
        assert state.flash == "Please sign in to continue."


def _save_profile(caller: str | None, db: Session) -> None:
    make_user("victim")
    state = state_for(ProfileState, token=caller, path="/u/victim")
    state.edit_skills = ["hacked"]
    form = {"display_name": "Hacked", "bio": "", "location": "", "hourly_rate": "", "currency": "USD", "links": ""}
    call(state, "save_profile", form)
    assert "form" in state.errors
    victim = db.exec(select(User).where(User.username == "victim")).one()
    assert db.get(Profile, victim.id).display_name == "Victim"  # type: ignore[union-attr]


def _load_admin(caller: str | None, db: Session) -> None:
    make_user("someadmin", role="admin")
    state = state_for(AdminState, token=caller, path="/admin")
    call(state, "load_admin")
    assert state.refusal and state.counts == {} and state.newest == [] and state.signups == []
    assert state.weeks == [] and state.week_points == [] and state.partners == [] and state.summaries == {}


def _accept_terms(caller: str | None, db: Session) -> None:
    with session_scope() as s:
        terms.publish_terms(s, title="Terms v2", body="New.")
    before = len(db.exec(select(TermsAcceptance)).all())
    state = state_for(TermsState, token=caller, path="/terms")
    state.version = 2
    call(state, "accept_terms")
    if caller is None:
        assert state.message == "Please sign in to continue."
        assert len(db.exec(select(TermsAcceptance)).all()) == before
    else:
        # A signed-in user accepts for themselves only: the acceptance is theirs, never someone else's.
        rows = db.exec(select(TermsAcceptance).where(TermsAcceptance.terms_version_id == 2)).all()
        assert {r.user_id for r in rows} == {db.exec(select(User).where(User.username == "intruder")).one().id}


def _victim_with_session() -> tuple[User, int]:
    victim = make_user("victim")
    session_token(victim)
    with session_scope() as s:
        row = s.exec(select(AuthSession).where(AuthSession.user_id == victim.id)).one()
        assert row.id is not None
        return victim, row.id


def _load_settings(caller: str | None, db: Session) -> None:
    _, victim_session = _victim_with_session()
    state = state_for(SettingsState, token=caller, path="/settings")
    call(state, "load_settings")
    assert victim_session not in {s.id for s in state.sessions}
    if caller is None:
        assert state.refusal == "Please sign in to continue." and state.sessions == []


def _revoke_session(caller: str | None, db: Session) -> None:
    _, victim_session = _victim_with_session()
    state = state_for(SettingsState, token=caller, path="/settings")
    call(state, "revoke_session", victim_session)
    assert state.message in ("Please sign in to continue.", "That session is not open.")
    assert db.get(AuthSession, victim_session).revoked_at is None  # type: ignore[union-attr]


def _change_password(caller: str | None, db: Session) -> None:
    victim, _ = _victim_with_session()
    before = db.get(User, victim.id).password_hash  # type: ignore[union-attr]
    state = state_for(SettingsState, token=caller, path="/settings")
    call(state, "change_password", {"current_password": "correct-horse-battery", "new_password": "taken-over-123"})
    db.expire_all()
    assert db.get(User, victim.id).password_hash == before  # type: ignore[union-attr]
    if caller is None:
        assert state.errors == {"form": "Please sign in to continue."}


# Handlers that read private data or change something: each case runs as an anonymous visitor and as
# a signed-in user who is the wrong person (not the owner, not an admin) and asserts the refusal.
GUARDED: dict[str, Callable[[str | None, Session], None]] = {
    "SessionState.sign_out_everywhere": _sign_out_everywhere,
    "ProfileState.save_profile": _save_profile,
    "AdminState.load_admin": _load_admin,
    "TermsState.accept_terms": _accept_terms,
    "SettingsState.load_settings": _load_settings,
    "SettingsState.revoke_session": _revoke_session,
    "SettingsState.change_password": _change_password,
}

_AREA_PUBLIC, _AREA_GUARDED = collect()
assert not set(_AREA_PUBLIC) & set(PUBLIC) and not set(_AREA_GUARDED) & set(GUARDED)
PUBLIC.update(_AREA_PUBLIC)
GUARDED.update(_AREA_GUARDED)


def test_every_handler_is_declared() -> None:
    declared = set(PUBLIC) | set(GUARDED)
    handlers = app_handlers()
    assert handlers - declared == set(), "declare each new handler public or add a refusal case"
    assert declared - handlers == set(), "remove entries for handlers that no longer exist"


@pytest.mark.parametrize("handler", sorted(GUARDED))
@pytest.mark.parametrize("who", ["anonymous", "wrong user"])
def test_guarded_handler_refuses_the_wrong_caller(handler: str, who: str, db: Session) -> None:
    token = None if who == "anonymous" else session_token(make_user("intruder"))
    GUARDED[handler](token, db)


def test_admin_handler_serves_an_admin(db: Session) -> None:
    token = session_token(make_user("boss", role="admin"))
    state = state_for(AdminState, token=token, path="/admin")
    call(state, "load_admin")
    assert state.refusal == "" and state.counts["admins"] == 1
    assert len(state.signups) == 14 and state.signups[-1]["members"] == 1


def test_a_forged_or_revoked_cookie_is_anonymous(db: Session) -> None:
    user = make_user("ann")
    token = session_token(user)
    state = state_for(ProfileState, token=token + "x", path="/u/ann")
    call(state, "load_profile")
    assert state.found and not state.is_owner and not state.signed_in
    state = state_for(SessionState, token=token)
    call(state, "sign_out")
    call(state, "load_session")
    assert not state.signed_in


def test_handlers_survive_hostile_arguments(db: Session) -> None:
    """Wrong types from a crafted websocket message are refused at the boundary, not crashes."""
    token = session_token(make_user("ann"))
    state: Any = state_for(ProfileState, token=token, path="/u/ann")
    call(state, "load_profile")
    for bad in (None, 42, ["x"], {"nested": {"a": 1}}):
        assert call(state, "save_profile", bad) is REFUSAL
        assert call(state, "add_skill", bad) is REFUSAL
        assert call(state, "set_skill_draft", bad) is REFUSAL
    assert state.errors == {} and state.edit_skills == []
    assert db.exec(select(Profile)).one().display_name == "Ann"
