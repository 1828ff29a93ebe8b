"""The posting wizard's handlers: only the owner ever loads, saves, publishes or deletes a draft."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.models import Listing
from jtbd_app.services.marketplace.listings import WizardForm
from jtbd_app.state.post import PostState
from tests.support.factories import make_listing
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.unit.handler_cases import UI_ONLY

PUBLIC = {
    "PostState.setvar": "Reflex built-in; display vars only; every save re-checks ownership on the server",
    "PostState.set_remote": UI_ONLY,
    "PostState.set_skill_draft": "suggests skill names, which are public",
    "PostState.add_skill": UI_ONLY,
    "PostState.skill_key_down": UI_ONLY,
    "PostState.remove_skill": UI_ONLY,
}


def _victims_draft() -> int:
    draft = make_listing(make_user("victim"), status="draft", title="Secret plan")
    assert draft.id is not None
    return draft.id


def _forged(caller: str | None, draft_id: int) -> PostState:
    state: PostState = state_for(PostState, token=caller, path=f"/post?draft={draft_id}")
    state.form = WizardForm(id=draft_id, step=1)
    return state


def _unchanged(db: Session, draft_id: int) -> None:
    db.expire_all()
    listing = db.get(Listing, draft_id)
    assert listing is not None and listing.status == "draft" and listing.title == "Secret plan"


def _load_post(caller: str | None, db: Session) -> None:
    draft_id = _victims_draft()
    state = _forged(caller, draft_id)
    call(state, "load_post")
    assert state.refusal and state.form.title != "Secret plan"


def _submit_step(caller: str | None, db: Session) -> None:
    draft_id = _victims_draft()
    state = _forged(caller, draft_id)
    call(state, "submit_step", {"title": "Hijacked title", "description": "x" * 30, "category": "other"})
    assert state.errors
    _unchanged(db, draft_id)
    assert db.exec(select(Listing).where(Listing.title == "Hijacked title")).first() is None


def _go_to_step(caller: str | None, db: Session) -> None:
    draft_id = _victims_draft()
    state = _forged(caller, draft_id)
    call(state, "go_to_step", 4)
    assert state.errors and state.form.title != "Secret plan"


def _publish(caller: str | None, db: Session) -> None:
    draft_id = _victims_draft()
    state = _forged(caller, draft_id)
    call(state, "publish")
    assert state.errors
    _unchanged(db, draft_id)


def _delete_draft(caller: str | None, db: Session) -> None:
    draft_id = _victims_draft()
    state = _forged(caller, draft_id)
    call(state, "delete_draft")
    assert state.errors
    _unchanged(db, draft_id)


GUARDED = {
    "PostState.load_post": _load_post,
    "PostState.submit_step": _submit_step,
    "PostState.go_to_step": _go_to_step,
    "PostState.publish": _publish,
    "PostState.delete_draft": _delete_draft,
}
