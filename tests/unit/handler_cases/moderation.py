"""Reports, moderation and appeals: anyone may open the report dialog, but only a member who can see an item
reports it; /admin/reports refuses everyone but admins and changes nothing for them; a member's standing and appeal
are their own."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import Appeal, AuditEntry, Listing, Message, Report, User
from jtbd_app.services.trust import appeals, reports, standing
from jtbd_app.state.admin_reports import AdminReportsState
from jtbd_app.state.reports import ReportState
from jtbd_app.state.standing import StandingState
from tests.support.factories import make_listing
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.support.messaging import make_deal, send
from tests.support.viewers import viewer_named, viewer_of
from tests.unit.handler_cases import UI_ONLY

PUBLIC = {
    "ReportState.open_report": UI_ONLY,
    "ReportState.set_report_open": UI_ONLY,
    "ReportState.setvar": "Reflex built-in; display vars only; sending re-checks the viewer and the item",
    "StandingState.setvar": "Reflex built-in; display vars only; loading and appealing re-check the viewer",
    "AdminReportsState.setvar": "Reflex built-in; display vars only; every load and action re-checks the admin role",
}
SECRET = "Victim's private words"
REASON = "Victim's suspension reason"


def _private_message() -> int:
    """A message between two other members, which the caller cannot see."""
    deal = make_deal("victim", "partner")
    send(deal.owner_viewer, deal.thread_id, SECRET)
    with session_scope() as s:
        message_id = s.exec(select(Message.id)).one()
    assert message_id is not None
    return message_id


def _send_report(caller: str | None, db: Session) -> None:
    message_id = _private_message()
    state: ReportState = state_for(ReportState, token=caller, path="/messages/1")
    call(state, "open_report", "message", str(message_id))
    call(state, "send_report", {"report_reason": "spam", "report_details": "Forged."})
    assert state.report_errors["form"] and state.report_sent == ""
    assert db.exec(select(Report)).all() == []


def _suspended_victim() -> tuple[User, User]:
    admin, victim = make_user("boss", role="admin"), make_user("victim")
    with session_scope() as s:
        standing.suspend_member(s, viewer=viewer_of(admin), user_id=victim.id, reason=REASON)
    return admin, victim


def _load_standing(caller: str | None, db: Session) -> None:
    _suspended_victim()
    state: StandingState = state_for(StandingState, token=caller, path="/settings")
    call(state, "load_standing")
    assert state.standing.strikes == [] and not state.standing.suspended
    assert REASON not in repr(state.dict())


def _send_appeal(caller: str | None, db: Session) -> None:
    _suspended_victim()
    state: StandingState = state_for(StandingState, token=caller, path="/settings")
    call(state, "send_appeal", {"body": "Please lift the victim's suspension."})
    assert state.appeal_errors["form"] and state.appeal_sent == ""
    assert db.exec(select(Appeal)).all() == []


def _reported_listing() -> Listing:
    owner, reporter = make_user("victim"), make_user("reporter")
    listing = make_listing(owner, title="Reported task")
    with session_scope() as s:
        reports.file_report(
            s, viewer=viewer_of(reporter), kind="listing", subject=listing.id, reason="scam", details=SECRET
        )
    return listing


def _admin_state(caller: str | None) -> AdminReportsState:
    make_user("boss", role="admin")
    state: AdminReportsState = state_for(AdminReportsState, token=caller, path="/admin/reports")
    return state


def _load_admin_reports(caller: str | None, db: Session) -> None:
    _reported_listing()
    make_user("boss", role="admin")
    for query in ("", "?tab=appeals", "?status=closed"):
        state: AdminReportsState = state_for(AdminReportsState, token=caller, path=f"/admin/reports{query}")
        call(state, "load_admin_reports")
        assert state.refusal and state.queue.rows == [] and state.appeal_queue.rows == []
        assert SECRET not in repr(state.dict())


def _go_to_page(caller: str | None, db: Session) -> None:
    _reported_listing()
    state = _admin_state(caller)
    call(state, "go_to_page", 1)
    assert state.refusal and state.queue.rows == []


def _moderate(caller: str | None, db: Session) -> None:
    listing = _reported_listing()
    state = _admin_state(caller)
    form = {"kind": "listing", "subject_id": str(listing.id), "action": "hide", "reason": "Forged."}
    call(state, "moderate", form)
    assert state.errors["form"] and state.message == ""
    db.expire_all()
    assert db.get(Listing, listing.id).status == "open"  # type: ignore[union-attr]
    assert db.exec(select(Report.status)).all() == ["open"]
    assert db.exec(select(AuditEntry)).all() == []


def _answer_appeal(caller: str | None, db: Session) -> None:
    _admin, victim = _suspended_victim()
    with session_scope() as s:
        appeal = appeals.send_appeal(s, viewer=viewer_named("victim"), body="Please.")
    state: AdminReportsState = state_for(AdminReportsState, token=caller, path="/admin/reports?tab=appeals")
    call(state, "answer_appeal", {"appeal_id": str(appeal.id), "decision": "grant", "answer": "Forged."})
    assert state.errors["form"] and state.message == ""
    db.expire_all()
    assert db.get(User, victim.id).status == "suspended"  # type: ignore[union-attr]
    assert db.exec(select(Appeal.status)).all() == ["open"]


GUARDED = {
    "ReportState.send_report": _send_report,
    "StandingState.load_standing": _load_standing,
    "StandingState.send_appeal": _send_appeal,
    "AdminReportsState.load_admin_reports": _load_admin_reports,
    "AdminReportsState.go_to_page": _go_to_page,
    "AdminReportsState.moderate": _moderate,
    "AdminReportsState.answer_appeal": _answer_appeal,
}
