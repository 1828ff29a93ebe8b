"""/admin/audit: money movements, admins reading private conversations and operator promotions are recorded; the
reader shows them newest first, filtered by action, actor, subject and date, to administrators only."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain import audit_query
from jtbd_app.domain.errors import NotSignedIn, PermissionDenied
from jtbd_app.models import AuditEntry, utcnow
from jtbd_app.services import audit
from jtbd_app.services.ledger import escrow
from jtbd_app.services.messaging import message_view
from jtbd_app.services.trust import audit_view
from jtbd_app.services.viewer import Viewer
from tests.support.contracts import Deal, fund
from tests.support.members import make_user
from tests.support.messaging import make_deal
from tests.support.viewers import viewer_of


def read(viewer: Viewer | None, **params: str) -> audit_view.AuditPage:
    query, errors = audit_query.parse(params)
    assert errors == {}
    with session_scope() as s:
        return audit_view.audit_page(s, viewer=viewer, query=query)


@pytest.fixture
def admin() -> Viewer:
    return viewer_of(make_user("ada", role="admin"))


def test_every_money_movement_is_recorded_once_with_its_amount(deal: Deal, db: Session) -> None:
    fund(deal)
    [entry] = db.exec(select(AuditEntry).where(AuditEntry.action == "money.fund")).all()
    assert (entry.actor_id, entry.subject) == (None, f"contract:{deal.contract_id}")
    detail = json.loads(entry.detail)
    assert (detail["amount"], detail["amount_minor"], detail["currency"]) == ("$100.00", 10_000, "USD")
    with session_scope() as s:  # the same movement posted again moves nothing and records nothing
        contract = deal.load()
        escrow.fund(s, contract, amount_minor=10_000, reference="again")
    assert len(db.exec(select(AuditEntry).where(AuditEntry.action == "money.fund")).all()) == 1


def test_an_admin_reading_a_private_conversation_is_recorded_and_a_party_is_not(admin: Viewer, db: Session) -> None:
    deal = make_deal()
    with session_scope() as s:
        message_view.opened_thread(s, viewer=deal.owner_viewer, thread_id=deal.thread_id)
    assert db.exec(select(AuditEntry)).all() == []
    with session_scope() as s:
        message_view.opened_thread(s, viewer=admin, thread_id=deal.thread_id)
    [entry] = db.exec(select(AuditEntry)).all()
    assert (entry.actor_id, entry.action, entry.subject) == (
        admin.user_id,
        "admin.read_thread",
        f"thread:{deal.thread_id}",
    )


def test_the_log_is_newest_first_and_filters_by_action_actor_subject_and_date(
    admin: Viewer, deal: Deal, db: Session
) -> None:
    fund(deal)
    with session_scope() as s:
        audit.record(s, actor_id=admin.user_id, action="partner.suspend", subject="partner:fiverr", reason="Low")
        audit.record(s, actor_id=admin.user_id, action="terms.publish", subject="terms:2", reason="Refunds")
    everything = read(admin)
    assert [r.action for r in everything.rows][:2] == ["terms.publish", "partner.suspend"]
    assert everything.rows[0].actor == "ada" and everything.rows[-1].actor == "system"
    assert {r.action for r in read(admin, action="money.").rows} == {"money.fund"}
    assert [r.action for r in read(admin, actor="ada").rows] == ["terms.publish", "partner.suspend"]
    assert {r.actor for r in read(admin, actor="system").rows} == {"system"}
    assert read(admin, actor="nobody-here").rows == []
    assert [r.subject for r in read(admin, subject="fiverr").rows] == ["partner:fiverr"]
    assert read(admin, subject=f"contract:{deal.contract_id}").total >= 1
    today = utcnow().date()
    assert read(admin, **{"from": today.isoformat(), "to": today.isoformat()}).total == everything.total
    assert read(admin, **{"to": (today - timedelta(days=1)).isoformat()}).total == 0
    assert read(admin, **{"from": (today + timedelta(days=1)).isoformat()}).total == 0
    money = read(admin, action="money.fund").rows[0]
    assert "amount: $100.00" in money.detail


def test_a_like_wildcard_in_a_filter_is_plain_text(admin: Viewer) -> None:
    with session_scope() as s:
        audit.record(s, actor_id=None, action="partner.suspend", subject="partner:fiverr")
    assert read(admin, subject="%").rows == [] and read(admin, subject="_").rows == []


def test_the_log_is_paged(admin: Viewer) -> None:
    with session_scope() as s:
        for n in range(audit_view.PER_PAGE + 3):
            audit.record(s, actor_id=None, action="partner.suspend", subject=f"partner:p{n}")
    first, second = read(admin), read(admin, page="2")
    assert (first.pages, len(first.rows), len(second.rows)) == (2, audit_view.PER_PAGE, 3)
    assert first.rows[0].subject == f"partner:p{audit_view.PER_PAGE + 2}" and second.rows[-1].subject == "partner:p0"
    assert read(admin, page="9").page == 2  # past the end: the last page


def test_only_admins_read_the_log() -> None:
    with session_scope() as s:
        audit.record(s, actor_id=None, action="partner.suspend", subject="partner:fiverr")
    with pytest.raises(NotSignedIn):
        read(None)
    with pytest.raises(PermissionDenied):
        read(viewer_of(make_user("ann")))
    with pytest.raises(PermissionDenied):
        read(viewer_of(make_user("old", role="admin", status="suspended")))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"action": "<script>"}, "action"),
        ({"actor": "Robert'); DROP"}, "actor"),
        ({"subject": "<img src=x>"}, "subject"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-12-05", "to": "2026-12-01"}, "to"),
        ({"page": "-1"}, "page"),
    ],
)
def test_bad_filters_are_named_by_field_and_dropped(params: dict[str, str], field: str) -> None:
    query, errors = audit_query.parse(params)
    assert set(errors) == {field}
    assert query.url().startswith(audit_query.PATH) and "<" not in query.url()


def test_a_query_round_trips_through_its_url() -> None:
    query, _ = audit_query.parse(
        {"action": "money.", "actor": "ada", "subject": "contract:3", "from": "2026-12-01", "to": "2026-12-05"}
    )
    assert query.url() == "/admin/audit?action=money.&actor=ada&subject=contract%3A3&from=2026-12-01&to=2026-12-05"
    assert query.date_from == date(2026, 12, 1) and query.on_page(2).to_params()["page"] == "2"
