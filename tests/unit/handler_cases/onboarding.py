"""The dashboard's checklist reads and dismisses the caller's own only."""

from __future__ import annotations

from sqlmodel import Session

from jtbd_app.models import Profile
from jtbd_app.services.marketplace import onboarding
from jtbd_app.state.onboarding import OnboardingState
from tests.support.handlers import call, state_for
from tests.support.members import make_user

PUBLIC = {"OnboardingState.setvar": "Reflex built-in; display vars only; every checklist handler re-reads the cookie"}


def _victim(db: Session) -> int:
    victim = make_user("victim")
    assert victim.id is not None
    return victim.id


def _load_checklist(caller: str | None, db: Session) -> None:
    _victim(db)
    state: OnboardingState = state_for(OnboardingState, token=caller, path="/")
    call(state, "load_checklist")
    assert all("/u/victim" not in link.href for item in state.checklist.steps for link in item.links)
    if caller is None:
        assert state.checklist == onboarding.Onboarding()


def _dismiss_checklist(caller: str | None, db: Session) -> None:
    victim_id = _victim(db)
    state: OnboardingState = state_for(OnboardingState, token=caller, path="/")
    call(state, "dismiss_checklist")
    db.expire_all()
    assert db.get(Profile, victim_id).onboarding_dismissed_at is None  # type: ignore[union-attr]
    if caller is None:
        assert state.checklist_error == "Please sign in to continue."


GUARDED = {
    "OnboardingState.load_checklist": _load_checklist,
    "OnboardingState.dismiss_checklist": _dismiss_checklist,
}
