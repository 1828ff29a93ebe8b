"""The states of /admin/terms, /admin/audit and /admin as an administrator's browser calls them."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.models import AuditEntry, TermsVersion
from jtbd_app.state.admin import AdminState
from jtbd_app.state.admin_audit import AdminAuditState
from jtbd_app.state.admin_terms import AdminTermsState
from tests.support.contracts import Deal, fund
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token


def test_an_admin_previews_then_publishes_and_sees_the_new_version(db: Session) -> None:
    token = session_token(make_user("boss", role="admin"))
    state = state_for(AdminTermsState, token=token, path="/admin/terms")
    call(state, "load_admin_terms")
    assert state.refusal == "" and [r.version for r in state.history.rows] == [1]
    call(state, "preview_terms", {"title": "Terms", "body": "<script>x</script>", "summary": "New"})
    assert state.errors["body"] and not state.previewing
    call(state, "preview_terms", {"title": "Terms", "body": "# New\n\nBe kind.", "summary": "Kinder"})
    assert state.previewing and state.draft.body == "# New\n\nBe kind."
    call(state, "publish_terms")
    assert state.message.startswith("Version 2 is published") and not state.previewing
    assert [(r.version, r.accepted) for r in state.history.rows] == [(2, 1), (1, 1)]
    assert len(db.exec(select(TermsVersion)).all()) == 2


def test_an_admin_reads_the_log_filtered_from_the_url_and_a_bad_filter_is_named(deal: Deal) -> None:
    fund(deal)
    token = session_token(make_user("boss", role="admin"))
    state = state_for(AdminAuditState, token=token, path="/admin/audit?action=money.&actor=system")
    call(state, "load_audit")
    assert state.refusal == "" and state.rows and {r.action for r in state.rows} <= {"money.fund", "money.release"}
    assert state.values["action"] == "money." and state.filtered
    assert (
        call(state, "apply_audit_filters", {"action": "", "actor": "", "subject": "", "from": "nope", "to": ""}) is None
    )
    assert state.errors == {"from": "Pick a date (YYYY-MM-DD)."}


def test_the_admin_home_carries_the_charts_data(deal: Deal, db: Session) -> None:
    fund(deal)
    token = session_token(make_user("boss", role="admin"))
    state = state_for(AdminState, token=token, path="/admin")
    call(state, "load_admin")
    assert state.refusal == "" and len(state.week_points) == 12 and state.week_points[-1]["funded"] == 100
    assert (
        len(state.age_points) == 4
        and state.partner_points
        and set(state.summaries)
        == {
            "volume",
            "escrow",
            "disputes",
            "reports",
            "partners",
        }
    )
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "money.fund")).first() is not None
