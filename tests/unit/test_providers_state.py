"""The /providers state: filters come from the URL and go back to it; the invite dialog reports the service's word."""

from __future__ import annotations

from typing import Any

from reflex.event import EventSpec
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import Invitation, Notification
from jtbd_app.routes import ROUTES
from jtbd_app.state.boundary import REFUSAL
from jtbd_app.state.invitations import InviteState
from jtbd_app.state.partners import PartnersState
from jtbd_app.state.profiles import ProfileState
from jtbd_app.state.providers import ProvidersState
from tests.support.contractors import ContractorProfile, fill_profile
from tests.support.factories import make_listing
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token


def contractor(username: str, *skills: str) -> None:
    user = make_user(username)
    with session_scope() as session:
        fill_profile(session, user, ContractorProfile(skills=skills))


def redirect_path(event: Any) -> str:
    """Where an `rx.redirect` event sends the browser."""
    assert isinstance(event, EventSpec)
    return str(event.args[0][1]._var_value)  # type: ignore[attr-defined]


def loaded(path: str, token: str | None = None) -> Any:
    state = state_for(ProvidersState, token=token, path=path)
    call(state, "load_providers")
    return state


def test_the_url_decides_the_filters_and_the_fields_show_them(db: Session) -> None:
    contractor("ann", "python", "sql")
    contractor("ben", "python")

    state = loaded("/providers?skills=python,sql&sort=rating")

    assert [c.username for c in state.cards] == ["ann"]
    assert state.values["skills"] == "python,sql" and state.sort == "rating"
    assert state.errors == {} and state.loaded and state.filtered


def test_bad_url_parameters_show_by_their_fields_and_the_rest_still_applies(db: Session) -> None:
    contractor("ann", "python")
    contractor("ben", "go")

    state = loaded("/providers?skills=python&min_rating=9&page=-2")

    assert [c.username for c in state.cards] == ["ann"]
    assert set(state.errors) == {"min_rating", "page"}
    assert state.values["min_rating"] == "9"


def test_applying_filters_searches_and_writes_them_to_the_url_from_page_one(db: Session) -> None:
    contractor("ann", "python")
    state = loaded("/providers?page=2")

    event = call(state, "apply_filters", {"q": "", "skills": "Python", "currency": "USD", "remote": "any"})

    assert "skills=python" in redirect_path(event) and "page" not in redirect_path(event)
    assert [c.username for c in state.cards] == ["ann"]


def test_refused_filters_show_messages_and_keep_the_url(db: Session) -> None:
    state = loaded("/providers")

    for bad in ({"min_rate": "-5"}, {"skills": "<script>"}, {"q": "x" * 1_000_000}):
        assert call(state, "apply_filters", bad) is None
        assert set(state.errors) == set(bad)
    assert call(state, "apply_filters", None) is not None  # not a form at all: the empty search


def test_changing_the_sort_keeps_the_applied_filters(db: Session) -> None:
    contractor("ann", "python")
    state = loaded("/providers?skills=python&page=3")

    path = redirect_path(call(state, "change_sort", "price_low"))

    assert "skills=python" in path and "sort=price_low" in path and "page" not in path
    assert call(state, "change_sort", "drop table") is None and "sort" in state.errors


def test_pages_link_to_the_neighbouring_pages_with_the_same_filters(db: Session) -> None:
    for i in range(41):
        contractor(f"user{i:02d}", "python")

    state = loaded("/providers?skills=python&page=2")

    assert state.previous_href == "/providers?skills=python"
    assert state.next_href == "/providers?skills=python&page=3"


def test_a_client_invites_from_the_dialog_and_sees_it_was_sent(db: Session) -> None:
    client = make_user("cleo")
    listing = make_listing(client, title="Fix my website")
    contractor("carl", "python")
    state = state_for(InviteState, token=session_token(client), path="/providers")
    call(state, "load_invitable")
    assert state.invitable == [{"id": str(listing.id), "title": "Fix my website"}]

    call(state, "open_invite", "carl", "Carl")
    call(state, "send_invite", {"listing_id": str(listing.id), "message": "Interested?"})

    assert state.invite_sent == "Invitation sent to Carl." and state.invite_errors == {}
    assert db.exec(select(Invitation)).one().message == "Interested?"
    call(state, "send_invite", {"listing_id": str(listing.id), "message": ""})
    assert state.invite_errors["form"].startswith("Already invited")
    assert len(db.exec(select(Notification)).all()) == 1


def test_hostile_dialog_input_is_refused_by_its_field(db: Session) -> None:
    client = make_user("cleo")
    listing = make_listing(client)
    contractor("carl", "python")
    state = state_for(InviteState, token=session_token(client), path="/u/carl")
    assert call(state, "open_invite", 42, None) is REFUSAL
    assert state.invite_open is False

    call(state, "open_invite", "carl", "Carl")
    call(state, "send_invite", {"listing_id": str(listing.id), "message": "<img src=x onerror=alert(1)>"})
    assert "HTML" in state.invite_errors["message"]
    assert call(state, "send_invite", "not a form") is REFUSAL
    call(state, "send_invite", {"listing_id": "x" * 100_000, "message": ""})
    assert state.invite_errors == {"listing_id": "Choose one of your open listings."}
    assert db.exec(select(Invitation)).all() == []


def test_the_pages_with_the_invite_dialog_open_it_in_their_one_page_load(db: Session) -> None:
    """/providers (directory, partner tab, dialog) and /u/[username] (profile, dialog) each have one on_load
    (routes): it fills the sibling states as their own loads did, for the caller only."""
    client = make_user("cleo")
    listing = make_listing(client, title="Fix my website")
    contractor("carl", "python")
    own = [{"id": str(listing.id), "title": "Fix my website"}]

    page = loaded("/providers?tab=partners", session_token(client))
    invite = page.parent_state.get_substate([InviteState.get_name()])
    tab = page.parent_state.get_substate([PartnersState.get_name()])
    assert page.loaded and invite.invitable_loaded and invite.invitable == own and tab.tab == "partners"

    profile = state_for(ProfileState, token=session_token(client), path="/u/carl")
    call(profile, "load_profile")
    invite = profile.parent_state.get_substate([InviteState.get_name()])
    assert profile.loaded and profile.found and invite.invitable_loaded and invite.invitable == own

    visitor = loaded("/providers")
    invite = visitor.parent_state.get_substate([InviteState.get_name()])
    tab = visitor.parent_state.get_substate([PartnersState.get_name()])
    assert invite.invitable_loaded and invite.invitable == [] and tab.tab == "contractors"
    pages = {route.path: route.on_load for route in ROUTES}
    assert pages["/providers"] is ProvidersState.load_providers and pages["/u/[username]"] is ProfileState.load_profile
