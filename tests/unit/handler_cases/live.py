"""The live tick: it reads the change stamps of the caller's own bell and of what the page loaded for the caller, and
reloads only through code that asks the services who may see what; a crafted state learns nothing more."""

from __future__ import annotations

from sqlmodel import Session

from jtbd_app.services.contracts.contract_view import ContractDetail
from jtbd_app.services.viewer import viewer_from_token
from jtbd_app.state.contracts import ContractState
from tests.support import contracts
from tests.support.handlers import call, state_for
from tests.support.members import make_user

SECRET = "Victim's private delivery note"


def _live_tick(caller: str | None, db: Session) -> None:
    victim = make_user("victim")
    deal = contracts.agreed_contract(victim, make_user("victor"))
    contracts.fund(deal)
    page = state_for(ContractState, token=caller, path=f"/contracts/{deal.contract_id}")
    # The worst a tab could hold: the victim's contract as its page, watched for the caller (only the server sets the
    # private vars, but suppose it had been fooled into it).
    page.found, page.detail = True, ContractDetail(id=deal.contract_id, status="funded")
    session_state = page.parent_state
    session_state._live_page = ContractState.get_full_name()
    viewer = viewer_from_token(db, caller) if caller else None
    page._live_topic = f"{viewer.user_id if viewer else 0} contract:{deal.contract_id}"
    started = call(session_state, "live_tick", 0)

    contracts.deliver(deal, message=SECRET)
    call(session_state, "live_tick", session_state._live_gen)

    assert SECRET not in repr(session_state.get_delta()) and page.detail.status != "delivered"
    assert session_state.unread_notifications == 0 and session_state.unread_messages == 0
    if caller is None:
        assert started is None and session_state._live_gen == 0  # no timer for a visitor


GUARDED = {"SessionState.live_tick": _live_tick}
