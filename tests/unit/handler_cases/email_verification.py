"""Confirming an email address: the link is the credential; a resend goes only to the caller's own address."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.models import OutgoingMail
from jtbd_app.state.session import SessionState
from tests.support.handlers import call, state_for
from tests.support.members import make_user

PUBLIC = {
    "EmailVerificationState.setvar": "Reflex built-in; display vars only",
    "EmailVerificationState.confirm": "the one-time link in the address is the credential; checked by the service",
}


def _resend_confirmation(caller: str | None, db: Session) -> None:
    make_user("victim", email_verified=False)
    state = state_for(SessionState, token=caller)
    call(state, "resend_confirmation")
    assert [m.to_address for m in db.exec(select(OutgoingMail)).all() if m.to_address.startswith("victim")] == []
    if caller is None:
        assert state.confirmation_note == "Please sign in to continue."


GUARDED = {"SessionState.resend_confirmation": _resend_confirmation}
