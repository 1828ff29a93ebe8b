"""The live tick as a browser's timer drives it: the bell, the contract page and the thread page update when what they
show changed, and only then."""

from __future__ import annotations

from typing import Any

from reflex.event import EventSpec

from jtbd_app.db import session_scope
from jtbd_app.services.messaging import notifications
from jtbd_app.state.contracts import ContractState
from jtbd_app.state.messages import ThreadState
from jtbd_app.state.session import SessionState
from tests.support import contracts
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token
from tests.support.messaging import make_deal, send


def _started(state: Any) -> Any:
    """The tab's SessionState, its timer started as the layout starts it on mount."""
    session_state = state if isinstance(state, SessionState) and type(state) is SessionState else state.parent_state
    call(session_state, "live_tick", 0)
    return session_state


def _tick(session_state: Any) -> list[Any] | None:
    result: list[Any] | None = call(session_state, "live_tick", session_state._live_gen)
    return result


def _timer_of(result: list[Any] | None) -> EventSpec:
    assert result, "the chain goes on"
    timer = result[-1]
    assert isinstance(timer, EventSpec) and "setTimeout" in str(timer.args) and "document.hidden" in str(timer.args)
    return timer


def test_the_layouts_first_tick_starts_the_timer_for_a_member() -> None:
    state = state_for(SessionState, token=session_token(make_user("ann")))

    started = call(state, "live_tick", 0)

    timer = _timer_of(started)
    assert f"resolve({state._live_gen})" in str(timer.args) and state._live_gen == 1


def test_a_visitor_has_no_timer() -> None:
    state = state_for(SessionState, token=None)

    assert call(state, "live_tick", 0) is None and state._live_gen == 0


def test_the_bell_counts_a_new_notification_without_a_reload() -> None:
    ann = make_user("ann")
    assert ann.id is not None
    session_state = _started(state_for(SessionState, token=session_token(ann)))
    with session_scope() as session:
        notifications.notify(session, user_id=ann.id, kind="bid_received", title="Bruno bid $300")

    _timer_of(_tick(session_state))

    assert session_state.unread_notifications == 1


def test_a_tick_when_nothing_changed_changes_nothing_shown() -> None:
    session_state = _started(state_for(SessionState, token=session_token(make_user("ann"))))
    session_state._clean()

    result = _tick(session_state)

    assert len(result or []) == 1 and session_state.get_delta() == {}


def test_an_older_timer_stops_when_the_layout_starts_another() -> None:
    session_state = _started(state_for(SessionState, token=session_token(make_user("ann"))))
    old = session_state._live_gen
    call(session_state, "live_tick", 0)

    assert call(session_state, "live_tick", old) is None
    assert call(session_state, "live_tick", old + 5) is None


def _contract_page() -> tuple[Any, contracts.Deal, str]:
    """Cleo's open page of her funded contract with Carl, and her cookie."""
    cleo = make_user("cleo")
    deal = contracts.agreed_contract(cleo, make_user("carl"))
    contracts.fund(deal)
    token = session_token(cleo)
    page = state_for(ContractState, token=token, path=f"/contracts/{deal.contract_id}")
    call(page, "load_contract")
    return page, deal, token


def test_the_clients_contract_page_shows_the_delivery_and_the_bell_counts_it() -> None:
    page, deal, _ = _contract_page()
    session_state = _started(page)
    bell = page.unread_notifications

    contracts.deliver(deal, message="The landing page is live.")
    _timer_of(_tick(session_state))

    assert page.detail.status == "delivered" and page.unread_notifications == bell + 1


def test_the_contract_page_is_not_reloaded_once_the_tab_shows_another_page() -> None:
    page, deal, token = _contract_page()
    session_state = _started(page)
    page.router = state_for(ContractState, token=token, path="/marketplace").router  # the tab went on to another page

    contracts.deliver(deal)
    _tick(session_state)

    assert page.detail.status == "funded" and session_state._live_page == ""


def test_the_open_thread_shows_a_new_message_without_a_reload() -> None:
    deal = make_deal()
    page = state_for(ThreadState, token=session_token(deal.bidder), path=f"/messages/{deal.thread_id}")
    call(page, "load_thread")
    session_state = _started(page)

    send(deal.owner_viewer, deal.thread_id, "Are you there?")
    _timer_of(_tick(session_state))

    assert [m.body for m in page.items] == ["Are you there?"]


def test_a_change_that_lands_between_the_page_load_and_the_first_tick_is_shown() -> None:
    page, deal, _ = _contract_page()
    bell = page.unread_notifications

    contracts.deliver(deal)  # before the layout's first tick took any version
    _started(page)

    assert page.detail.status == "delivered" and page.unread_notifications == bell + 1
