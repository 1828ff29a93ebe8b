"""The report dialog, the standing section and /admin/reports as a browser drives them: a member reports, an admin
reads the queue and hides the item, a suspended member appeals and the admin grants it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import Listing, Report, User
from jtbd_app.routes import ROUTES
from jtbd_app.services.trust import appeals, standing
from jtbd_app.state.admin_reports import AdminReportsState
from jtbd_app.state.profile_photos import ProfilePhotoState
from jtbd_app.state.reports import ReportState
from jtbd_app.state.session import SessionState
from jtbd_app.state.settings import SettingsState
from jtbd_app.state.standing import StandingState
from tests.support.factories import make_listing
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token
from tests.support.viewers import viewer_of


def test_a_member_reports_and_an_admin_hides_it_from_the_queue(db: Session) -> None:
    ann, bob, admin = make_user("ann"), make_user("bob"), make_user("boss", role="admin")
    listing = make_listing(ann, title="Too good to be true")
    dialog: ReportState = state_for(ReportState, token=session_token(bob), path=f"/listings/{listing.id}")
    call(dialog, "open_report", "listing", str(listing.id))
    call(dialog, "send_report", {"report_reason": "", "report_details": "<b>x</b>"})
    assert set(dialog.report_errors) == {"report_reason", "report_details"}
    call(dialog, "send_report", {"report_reason": "scam", "report_details": "Wants a deposit."})
    assert dialog.report_errors == {} and "report was sent" in dialog.report_sent
    call(dialog, "send_report", {"report_reason": "scam", "report_details": ""})
    assert dialog.report_errors["form"] == "You already reported this."

    page: AdminReportsState = state_for(AdminReportsState, token=session_token(admin), path="/admin/reports")
    call(page, "load_admin_reports")
    assert page.refusal == "" and [i.title for i in page.queue.rows] == ["Too good to be true"]
    form = {"kind": "listing", "subject_id": str(listing.id), "action": "hide", "reason": ""}
    call(page, "moderate", form)
    assert page.acting == f"listing:{listing.id}" and page.errors["reason"]
    call(page, "moderate", {**form, "reason": "A deposit scam."})
    assert page.errors == {} and page.message.startswith("Done: hidden") and page.queue.rows == []
    db.expire_all()
    assert db.get(Listing, listing.id).status == "hidden"  # type: ignore[union-attr]
    assert db.exec(select(Report.status)).all() == ["actioned"]


def test_a_suspended_member_sees_why_appeals_once_and_an_admin_grants_it(db: Session) -> None:
    admin, bob = make_user("boss", role="admin"), make_user("bob")
    with session_scope() as s:
        standing.suspend_member(s, viewer=viewer_of(admin), user_id=bob.id, reason="Deposit scams.")
    banner: SessionState = state_for(SessionState, token=session_token(bob))
    call(banner, "load_session")
    assert banner.viewer_suspended and banner.viewer_suspended_reason == "Deposit scams."

    section: StandingState = state_for(StandingState, token=session_token(bob), path="/settings")
    call(section, "load_standing")
    assert section.standing.can_appeal and section.standing.strikes[0].reason == "Deposit scams."
    call(section, "send_appeal", {"body": ""})
    assert section.appeal_errors["body"]
    call(section, "send_appeal", {"body": "The listings were real; here is why."})
    assert section.appeal_sent and not section.standing.can_appeal and section.standing.appeal_status == "open"
    call(section, "send_appeal", {"body": "Again."})
    assert section.appeal_errors["form"] == "You have already appealed this suspension."

    page: AdminReportsState = state_for(
        AdminReportsState, token=session_token(admin), path="/admin/reports?tab=appeals"
    )
    call(page, "load_admin_reports")
    assert page.tab == "appeals" and [a.member_username for a in page.appeal_queue.rows] == ["bob"]
    appeal_id = str(page.appeal_queue.rows[0].id)
    call(page, "answer_appeal", {"appeal_id": appeal_id, "decision": "maybe", "answer": "x"})
    assert page.errors["form"]
    call(page, "answer_appeal", {"appeal_id": appeal_id, "decision": "grant", "answer": "Checked: reinstated."})
    assert page.message == "The appeal was granted." and page.appeal_queue.rows == []
    db.expire_all()
    assert db.get(User, bob.id).status == "active"  # type: ignore[union-attr]


def test_the_settings_page_opens_the_callers_standing_and_photo_in_its_one_page_load(db: Session) -> None:
    """/settings has one on_load (routes): SettingsState.load_settings fills the standing and photo sections as their
    own loads did, for the caller only."""
    admin, bob = make_user("boss", role="admin"), make_user("bob")
    with session_scope() as s:
        standing.suspend_member(s, viewer=viewer_of(admin), user_id=bob.id, reason="Deposit scams.")
    page: Any = state_for(SettingsState, token=session_token(bob), path="/settings")
    call(page, "load_settings")
    section = page.parent_state.get_substate([StandingState.get_name()])
    photo = page.parent_state.get_substate([ProfilePhotoState.get_name()])
    assert page.loaded and len(page.sessions) == 1
    assert section.standing_loaded and section.standing.strikes[0].reason == "Deposit scams."
    assert photo.photo_url == "" and photo.errors == {}

    visitor: Any = state_for(SettingsState, token=None, path="/settings")
    call(visitor, "load_settings")
    section = visitor.parent_state.get_substate([StandingState.get_name()])
    assert section.standing_loaded and section.standing == appeals.Standing()
    assert next(r for r in ROUTES if r.path == "/settings").on_load is SettingsState.load_settings
