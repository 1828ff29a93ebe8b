"""/admin/terms: an administrator publishes a new version as markdown without HTML; members are told, the audit log
records it, and the past versions show how many members accepted each."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, col, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import PermissionDenied, ValidationFailed
from jtbd_app.models import AuditEntry, Notification, TermsAcceptance, TermsVersion
from jtbd_app.services.accounts import terms
from jtbd_app.services.trust import terms_admin
from tests.support.members import make_user
from tests.support.viewers import viewer_of

BODY = "# Terms\n\n1. Be kind.\n2. Pay through escrow.\n\nSee [our help](https://example.com/help)."
HOSTILE = [
    "Hello <img src=x onerror=alert(1)> there",
    "<script>alert(1)</script>",
    'Fine text\n\n<a href="javascript:alert(1)">click</a>',
    "<!-- hidden --> text",
    "<iframe src=https://evil.example></iframe>",
    "![pixel](https://evil.example/pixel.png)",
    "[click](javascript:alert(1))",
    "[click]( JavaScript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
]


def publish(admin_viewer, body: str = BODY, summary: str = "Clearer refunds.") -> int:  # type: ignore[no-untyped-def]
    with session_scope() as s:
        return terms_admin.publish(s, viewer=admin_viewer, title="Terms of service", body=body, summary=summary)


@pytest.mark.parametrize("body", HOSTILE)
def test_html_images_and_script_links_are_refused_and_nothing_is_published(body: str, db: Session) -> None:
    admin = viewer_of(make_user("boss", role="admin"))
    with pytest.raises(ValidationFailed) as refused:
        publish(admin, body=body)
    assert set(refused.value.fields) == {"body"}
    with pytest.raises(ValidationFailed):
        terms_admin.preview(viewer=admin, title="T", body=body, summary="s")
    assert [v.version for v in db.exec(select(TermsVersion)).all()] == [1]
    assert db.exec(select(AuditEntry)).all() == []


def test_empty_huge_or_marked_up_fields_are_refused_by_field(db: Session) -> None:
    admin = viewer_of(make_user("boss", role="admin"))
    with pytest.raises(ValidationFailed) as refused:
        terms_admin.preview(viewer=admin, title="<b>T</b>", body="", summary="x" * 301)
    assert set(refused.value.fields) == {"title", "body", "summary"}
    with pytest.raises(ValidationFailed) as refused:
        terms_admin.preview(viewer=admin, title="T", body="a" * 50_001, summary="s")
    assert "at most" in refused.value.fields["body"]


def test_markdown_and_harmless_angle_brackets_pass(db: Session) -> None:
    admin = viewer_of(make_user("boss", role="admin"))
    draft = terms_admin.preview(viewer=admin, title="Terms", body=BODY + "\n\nFees: 5 < 10.", summary="Fees")
    assert draft.body.endswith("5 < 10.")


def test_publishing_tells_active_members_records_the_audit_entry_and_the_admin_accepts(db: Session) -> None:
    boss = make_user("boss", role="admin")
    ann, bob = make_user("ann"), make_user("bob")
    make_user("spammer", status="suspended")
    assert publish(viewer_of(boss)) == 2
    current = terms.current_terms(db)
    assert current is not None and (current.version, current.summary) == (2, "Clearer refunds.")
    told = db.exec(select(Notification).where(Notification.kind == "terms")).all()
    assert {n.user_id for n in told} == {ann.id, bob.id} and all(n.link == "/terms" for n in told)
    [entry] = db.exec(select(AuditEntry)).all()
    assert (entry.actor_id, entry.action, entry.subject, entry.reason) == (
        boss.id,
        "terms.publish",
        "terms:2",
        "Clearer refunds.",
    )
    assert json.loads(entry.detail)["notified"] == 2
    assert not terms.needs_acceptance(db, user_id=boss.id or 0)
    assert terms.needs_acceptance(db, user_id=ann.id or 0)


def test_only_admins_preview_publish_or_read_the_versions(db: Session) -> None:
    member = viewer_of(make_user("ann"))
    with pytest.raises(PermissionDenied):
        terms_admin.preview(viewer=member, title="T", body="b", summary="s")
    with pytest.raises(PermissionDenied):
        publish(member)
    with pytest.raises(PermissionDenied), session_scope() as s:
        terms_admin.history(s, viewer=member)
    assert [v.version for v in db.exec(select(TermsVersion)).all()] == [1]


def test_the_versions_show_how_many_members_accepted_each(db: Session) -> None:
    boss = make_user("boss", role="admin")
    ann = make_user("ann")
    make_user("bob")
    publish(viewer_of(boss))
    with session_scope() as s:
        terms.accept_terms(s, viewer=viewer_of(ann), version=2)
    with session_scope() as s:
        found = terms_admin.history(s, viewer=viewer_of(boss))
    assert [(r.version, r.accepted, r.current) for r in found.rows] == [(2, 2, True), (1, 3, False)]
    assert found.members == 3 and found.current_body == BODY
    accepted = db.exec(select(TermsAcceptance).order_by(col(TermsAcceptance.id))).all()
    assert all(a.accepted_at is not None for a in accepted)
