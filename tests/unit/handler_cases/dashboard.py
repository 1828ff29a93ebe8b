"""The dashboard shows the caller's own marketplace only."""

from __future__ import annotations

from sqlmodel import Session

from jtbd_app.state.dashboard import DashboardState
from tests.support.factories import make_listing
from tests.support.handlers import call, state_for
from tests.support.members import make_user

PUBLIC = {"DashboardState.setvar": "Reflex built-in; display vars only; loading re-reads the cookie"}


def _victims_board() -> None:
    victim = make_user("victim")
    make_listing(victim, title="Victim's open job")
    make_listing(victim, title="Victim's secret draft", status="draft")


def _load_dashboard(caller: str | None, db: Session) -> None:
    _victims_board()
    state: DashboardState = state_for(DashboardState, token=caller, path="/")
    call(state, "load_dashboard")
    assert state.board.listings == [] and state.board.drafts == [] and state.board.drafts_page.total == 0


def _turn_page(caller: str | None, db: Session) -> None:
    _victims_board()
    state: DashboardState = state_for(DashboardState, token=caller, path="/")
    call(state, "turn_page", "drafts", 1)
    assert state.board.drafts == [] and state.board.listings == []


GUARDED = {"DashboardState.load_dashboard": _load_dashboard, "DashboardState.turn_page": _turn_page}
