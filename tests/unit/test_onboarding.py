"""The first-run checklist: each item ticked from what the member really did; gone when all are done or dismissed;
and a new member is greeted "Welcome", not "Welcome back"."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import Session

from jtbd_app.db import read_scope, session_scope
from jtbd_app.models import Profile
from jtbd_app.routes import ROUTES
from jtbd_app.services.accounts import profile_photos, profiles
from jtbd_app.services.marketplace import onboarding
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.dashboard import DashboardState
from jtbd_app.state.onboarding import OnboardingState
from tests.support import photos
from tests.support.factories import bid, make_listing
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token
from tests.support.problems import submitted_problem
from tests.support.viewers import viewer_of


def checklist(viewer: Viewer) -> onboarding.Onboarding:
    with read_scope() as session:
        return onboarding.onboarding(session, viewer=viewer)


def done(viewer: Viewer) -> dict[str, bool]:
    return {item.key: item.done for item in checklist(viewer).steps}


def add_photo(viewer: Viewer) -> None:
    async def read(size: int) -> bytes:
        return photos.png()

    asyncio.run(profile_photos.upload_photo(session_factory=session_scope, viewer=viewer, read_file=read))


def add_skills_and_rate(viewer: Viewer) -> None:
    changes = {"display_name": "Ann", "bio": "", "location": "", "remote": True, "skills": ["python"], "links": ""}
    with session_scope() as session:
        profiles.update_profile(
            session,
            viewer=viewer,
            username=viewer.username,
            changes={**changes, "hourly_rate": "40", "currency": "USD"},
        )


def test_a_new_member_is_welcomed_and_sees_every_item_to_do() -> None:
    ann = viewer_of(make_user("ann"))

    seen = checklist(ann)

    assert seen.greeting == "Welcome" and seen.show_checklist and seen.done_count == 0
    assert [(i.key, i.done) for i in seen.steps] == [("profile", False), ("post", False), ("find_work", False)]
    profile = seen.steps[0]
    assert profile.detail == "Still missing: a photo, your skills, an hourly rate."
    assert [(link.label, link.href) for link in profile.links] == [
        ("Add a photo", "/settings#photo"),
        ("Add your skills and rate", "/u/ann"),
    ]
    assert [link.href for link in seen.steps[1].links] == ["/post", "/problems/new"]
    assert [link.href for link in seen.steps[2].links] == ["/marketplace"]


def test_a_member_who_has_been_here_before_is_welcomed_back() -> None:
    ann = make_user("ann")
    session_token(ann)
    session_token(ann)

    assert checklist(viewer_of(ann)).greeting == "Welcome back"


def test_the_profile_is_complete_only_with_a_photo_skills_and_a_rate() -> None:
    ann = viewer_of(make_user("ann"))
    add_skills_and_rate(ann)
    assert checklist(ann).steps[0].detail == "Still missing: a photo." and not done(ann)["profile"]

    add_photo(ann)

    assert done(ann)["profile"] and checklist(ann).steps[0].links == []


def test_a_published_listing_or_a_problem_ticks_posting_and_a_draft_does_not() -> None:
    ann_user, bob_user = make_user("ann"), make_user("bob")
    make_listing(ann_user, status="draft")
    assert not done(viewer_of(ann_user))["post"]

    make_listing(ann_user)
    submitted_problem(bob_user)

    assert done(viewer_of(ann_user))["post"] and done(viewer_of(bob_user))["post"]
    assert checklist(viewer_of(ann_user)).greeting == "Welcome back"  # they have done something


def test_a_bid_ticks_finding_work() -> None:
    listing = make_listing(make_user("ann"))
    bob = viewer_of(make_user("bob"))
    assert listing.id is not None

    bid(bob, listing.id)

    assert done(bob)["find_work"] and not done(viewer_of(make_user("cat")))["find_work"]


def test_the_checklist_goes_once_everything_is_done() -> None:
    ann_user = make_user("ann")
    ann = viewer_of(ann_user)
    add_photo(ann)
    add_skills_and_rate(ann)
    make_listing(ann_user)
    assert checklist(ann).show_checklist and checklist(ann).done_count == 2

    other = make_listing(make_user("cat"))
    assert other.id is not None
    bid(ann, other.id)

    seen = checklist(ann)
    assert seen.done_count == 3 and not seen.show_checklist


def test_a_dismissed_checklist_stays_hidden_and_is_stored_on_the_profile(db: Session) -> None:
    ann = viewer_of(make_user("ann"))

    with session_scope() as session:
        onboarding.dismiss_checklist(session, viewer=ann)

    assert not checklist(ann).show_checklist
    assert db.get(Profile, ann.user_id).onboarding_dismissed_at is not None  # type: ignore[union-attr]


def test_the_dashboard_state_shows_the_callers_own_checklist_and_greeting() -> None:
    ann = make_user("ann")
    state: OnboardingState = state_for(OnboardingState, token=session_token(ann), path="/")

    call(state, "load_checklist")
    assert state.greeting == "Welcome" and state.checklist.show_checklist

    call(state, "dismiss_checklist")
    assert not state.checklist.show_checklist and state.checklist_error == ""


def test_a_visitor_gets_no_checklist_and_cannot_dismiss_one() -> None:
    state: OnboardingState = state_for(OnboardingState, token=None, path="/")

    call(state, "load_checklist")
    assert state.checklist == onboarding.Onboarding()

    call(state, "dismiss_checklist")
    assert state.checklist_error == "Please sign in to continue."


def test_the_dashboards_one_page_load_opens_the_callers_checklist_in_the_same_event() -> None:
    """The page's one on_load (routes): DashboardState.load_dashboard fills the checklist as its own load did."""
    ann = make_user("ann")
    page: Any = state_for(DashboardState, token=session_token(ann), path="/")
    call(page, "load_dashboard")
    checklist_state = page.parent_state.get_substate([OnboardingState.get_name()])
    assert page.board_loaded and page.signed_in
    assert checklist_state.greeting == "Welcome" and checklist_state.checklist.show_checklist

    visitor: Any = state_for(DashboardState, token=None, path="/")
    call(visitor, "load_dashboard")
    empty = visitor.parent_state.get_substate([OnboardingState.get_name()])
    assert not visitor.signed_in and empty.checklist == onboarding.Onboarding()


def test_the_dashboard_page_has_one_page_load_event() -> None:
    route = next(route for route in ROUTES if route.path == "/")
    assert route.on_load is DashboardState.load_dashboard
