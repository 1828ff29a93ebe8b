"""/providers and the invite dialog: searching is public; loading my open listings and inviting refuse the wrong caller."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.models import Invitation, Notification
from jtbd_app.state.invitations import InviteState
from tests.support.factories import make_listing
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.unit.handler_cases import UI_ONLY

PUBLIC: dict[str, str] = {
    "ProvidersState.load_providers": "the directory is public; cards carry only public profile facts",
    "ProvidersState.apply_filters": "searches public data and writes the filters to the URL",
    "ProvidersState.change_sort": "searches public data in another order",
    "ProvidersState.setvar": "Reflex built-in; display vars only; searching reads public data only",
    "InviteState.open_invite": UI_ONLY,
    "InviteState.set_invite_open": UI_ONLY,
    "InviteState.setvar": "Reflex built-in; display vars only; sending an invitation re-reads the cookie",
}


def _load_invitable(caller: str | None, db: Session) -> None:
    victim = make_user("victim")
    make_listing(victim, title="Victim's secret project")
    state = state_for(InviteState, token=caller, path="/providers")
    call(state, "load_invitable")
    assert state.invitable == []  # anonymous: refused; intruder: only their own (none)


def _send_invite(caller: str | None, db: Session) -> None:
    victim = make_user("victim")
    make_user("helper")
    listing = make_listing(victim, title="Victim's project")
    state = state_for(InviteState, token=caller, path="/providers")
    call(state, "open_invite", "helper", "Helper")
    call(state, "send_invite", {"listing_id": str(listing.id), "message": "Bid on this"})
    expected = "Please sign in to continue." if caller is None else "You can only invite members to your own listings."
    assert state.invite_errors == {"form": expected} and state.invite_sent == ""
    assert db.exec(select(Invitation)).all() == [] and db.exec(select(Notification)).all() == []


GUARDED = {
    "InviteState.load_invitable": _load_invitable,
    "InviteState.send_invite": _send_invite,
}
