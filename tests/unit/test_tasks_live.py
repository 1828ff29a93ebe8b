"""The task list stays current without a reload: a task changed in another tab, or a bid on a listing a task was
posted to, shows on the next tick; a tab gone on to another page is not reloaded."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from jtbd_app.db import session_scope
from jtbd_app.models import RoutingDecision, User
from jtbd_app.services.delegate import todos
from jtbd_app.state.session import SessionState
from jtbd_app.state.tasks import TasksState
from tests.support.factories import bid, make_listing
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token
from tests.support.viewers import viewer_of


def _add(owner: User, title: str) -> int:
    with session_scope() as session:
        return todos.add_task(session, viewer=viewer_of(owner), values={"title": title})


def _open_list(owner: User, token: str | None = None) -> tuple[TasksState, Any]:
    """The owner's /tasks page, loaded, with the layout's timer started."""
    token = token or session_token(owner)
    page: TasksState = state_for(TasksState, token=token, path="/tasks")
    call(page, "load_tasks")
    session_state = page.parent_state
    assert isinstance(session_state, SessionState)
    call(session_state, "live_tick", 0)
    return page, session_state


def _tick(session_state: Any) -> None:
    call(session_state, "live_tick", session_state._live_gen)


def test_a_task_added_in_another_tab_shows_on_the_next_tick(db: Session) -> None:
    carol = make_user("carol")
    _add(carol, "First")
    page, session_state = _open_list(carol)

    _add(carol, "Added elsewhere")
    _tick(session_state)

    assert [r.title for r in page.rows] == ["Added elsewhere", "First"] and page.open_count == 2


def test_a_bid_on_the_listing_a_task_was_posted_to_shows_on_the_next_tick(db: Session) -> None:
    carol, bob = make_user("carol"), make_user("bob")
    listing = make_listing(carol)
    assert listing.id is not None and carol.id is not None
    task_id = _add(carol, "Build a landing page")
    db.add(RoutingDecision(task_id=task_id, owner_id=carol.id, route="internal", listing_id=listing.id))
    db.commit()
    page, session_state = _open_list(carol)
    assert page.rows[0].status == "Open for bids · 0 bids"

    bid(viewer_of(bob), listing.id)
    _tick(session_state)

    assert page.rows[0].status == "Open for bids · 1 bid"


def test_the_list_is_not_reloaded_once_the_tab_shows_another_page(db: Session) -> None:
    carol = make_user("carol")
    _add(carol, "First")
    token = session_token(carol)
    page, session_state = _open_list(carol, token)
    page.router = state_for(TasksState, token=token, path="/marketplace").router  # the tab went on to another page

    _add(carol, "Added elsewhere")
    _tick(session_state)

    assert [r.title for r in page.rows] == ["First"] and session_state._live_page == ""
