"""The wizard's state: pre-filled from a link, a draft from the first saved step, resumed after a reload."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from jtbd_app.models import Listing
from jtbd_app.state.post import PostState
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token


def test_a_link_prefills_the_first_step_without_storing_anything(db: Session) -> None:
    token = session_token(make_user("ann"))
    state = state_for(
        PostState, token=token, path="/post?title=Get+10K+visitors&skills=seo,ads&budget=900&source=delegate"
    )
    call(state, "load_post")
    assert state.refusal == "" and state.form.title == "Get 10K visitors" and state.edit_skills == ["seo", "ads"]
    assert state.form.budget == "900.00" and state.source == "delegate"
    assert db.exec(select(Listing)).all() == []


def test_steps_save_a_draft_that_a_reload_resumes_and_publish_opens(db: Session) -> None:
    token = session_token(make_user("ann"))
    state = state_for(PostState, token=token, path="/post")
    call(state, "load_post")
    call(
        state,
        "submit_step",
        {"title": "Paint my fence", "description": "Twenty metres of old wooden fence.", "category": "home-repairs"},
    )
    assert state.errors == {} and state.step == 2 and state.form.id > 0
    call(state, "add_skill", "Painting")
    call(state, "submit_step", {})
    resumed = state_for(PostState, token=token, path=f"/post?draft={state.form.id}")
    call(resumed, "load_post")
    assert resumed.step == 3 and resumed.edit_skills == ["painting"] and resumed.form.title == "Paint my fence"
    call(resumed, "set_remote", "local")
    deadline = (date.today() + timedelta(days=5)).isoformat()
    call(resumed, "submit_step", {"budget": "120", "currency": "EUR", "deadline": deadline, "location": "Lyon"})
    assert resumed.step == 4 and resumed.form.budget_display == "€120.00"
    call(resumed, "publish")
    listing = db.exec(select(Listing)).one()
    assert listing.status == "open" and not listing.remote and listing.location == "Lyon" and listing.source == "wizard"


def test_an_invalid_first_step_creates_no_draft(db: Session) -> None:
    token = session_token(make_user("ann"))
    state = state_for(PostState, token=token, path="/post")
    call(state, "load_post")
    call(state, "submit_step", {"title": "", "description": "<script>x</script>", "category": "nope"})
    assert set(state.errors) == {"title", "description", "category"}
    assert db.exec(select(Listing)).all() == []


def test_a_visitor_is_asked_to_sign_in(db: Session) -> None:
    state = state_for(PostState, path="/post")
    call(state, "load_post")
    assert state.refusal == "Please sign in to continue."


def test_going_back_keeps_the_later_steps_reachable_but_not_beyond(db: Session) -> None:
    token = session_token(make_user("ann"))
    state = state_for(PostState, token=token, path="/post")
    call(state, "load_post")
    call(
        state,
        "submit_step",
        {"title": "Paint my fence", "description": "Twenty metres of old wooden fence.", "category": "home-repairs"},
    )
    call(state, "add_skill", "painting")
    call(state, "submit_step", {})
    call(state, "go_to_step", 1)
    assert state.step == 1 and state.form.reached == 3
    call(state, "go_to_step", 3)
    assert state.step == 3
    call(state, "go_to_step", 4)
    assert state.step == 3, "step 4 is not reached until step 3 is saved"
