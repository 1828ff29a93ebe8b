"""Terms versions and the audit log: /admin/terms and /admin/audit refuse everyone but admins, read nothing for them
and change nothing."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import AuditEntry, Notification, TermsVersion
from jtbd_app.services import audit
from jtbd_app.services.trust.terms_admin import TermsDraftView
from jtbd_app.state.admin_audit import AdminAuditState
from jtbd_app.state.admin_terms import AdminTermsState
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.unit.handler_cases import UI_ONLY

PUBLIC: dict[str, str] = {
    "AdminTermsState.edit_draft": UI_ONLY,
    "AdminTermsState.setvar": "Reflex built-in; display vars only; every load and publish re-checks the admin role",
    "AdminAuditState.apply_audit_filters": "writes the filters to the URL only; the page's load checks the admin role",
    "AdminAuditState.setvar": "Reflex built-in; display vars only; every load re-checks the admin role",
}


def _with_an_entry() -> None:
    admin = make_user("someadmin", role="admin")
    with session_scope() as s:
        audit.record(s, actor_id=admin.id, action="partner.suspend", subject="partner:fiverr", reason="secret why")


def _load_terms(caller: str | None, db: Session) -> None:
    make_user("someadmin", role="admin")
    state = state_for(AdminTermsState, token=caller, path="/admin/terms")
    call(state, "load_admin_terms")
    assert state.refusal and state.history.rows == [] and state.history.current_body == ""


def _preview(caller: str | None, db: Session) -> None:
    state = state_for(AdminTermsState, token=caller, path="/admin/terms")
    call(state, "preview_terms", {"title": "Mine", "body": "All yours.", "summary": "Took over"})
    assert state.errors["form"] and not state.previewing and state.draft.body == ""


def _publish(caller: str | None, db: Session) -> None:
    make_user("member")
    state = state_for(AdminTermsState, token=caller, path="/admin/terms")
    state.draft = TermsDraftView(title="Mine", body="All yours.", summary="Took over")
    call(state, "publish_terms")
    assert state.errors["form"] and state.message == ""
    assert [v.version for v in db.exec(select(TermsVersion)).all()] == [1]
    assert db.exec(select(Notification)).all() == [] and db.exec(select(AuditEntry)).all() == []


def _load_audit(caller: str | None, db: Session) -> None:
    _with_an_entry()
    state = state_for(AdminAuditState, token=caller, path="/admin/audit")
    call(state, "load_audit")
    assert state.refusal and state.rows == [] and state.total == 0


GUARDED = {
    "AdminTermsState.load_admin_terms": _load_terms,
    "AdminTermsState.preview_terms": _preview,
    "AdminTermsState.publish_terms": _publish,
    "AdminAuditState.load_audit": _load_audit,
}
