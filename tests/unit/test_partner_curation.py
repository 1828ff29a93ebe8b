"""Partners as the deployment knows them: registered from the registry, offered while active, counted, and suspended
by the curation rule (audited once, every admin told)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.curation import Rule
from jtbd_app.models import AuditEntry, Notification, Partner, PartnerDaily
from jtbd_app.services import audit
from jtbd_app.services.delegate import curation, partners
from tests.support.members import make_user
from tests.support.partner_scorecards import described_partners, report_outcomes

RULE = Rule(min_outcomes=5, min_rating=3.0, min_success_percent=60)


def _offered() -> list[str]:
    with session_scope() as s:
        return [p.key for p in partners.offered(s, described_partners())]


def _apply(key: str = "handy") -> bool:
    with session_scope() as s:
        return curation.apply_rule(s, partner_key=key, rule=RULE)


def test_offered_registers_every_partner_once_in_registry_order(db: Session) -> None:
    assert _offered() == ["shop", "gigs", "handy"]
    assert _offered() == ["shop", "gigs", "handy"]
    rows = db.exec(select(Partner).order_by(col(Partner.key))).all()
    assert [(p.key, p.kind, p.status, p.link_template) for p in rows] == [
        ("gigs", "digital", "active", ""),
        ("handy", "local", "active", ""),
        ("shop", "product", "active", ""),
    ]
    assert rows[1].categories == "furniture-assembly,home-repair"


def test_offered_carries_the_scorecard_so_far(db: Session) -> None:
    member = make_user("member")
    report_outcomes(member, "handy", [5, 4, None])
    report_outcomes(member, "handy", [1], done=False)
    with session_scope() as s:
        info = {p.key: p for p in partners.offered(s, described_partners())}
    assert info["handy"].rated == 3 and info["handy"].average_rating == 10 / 3 and info["handy"].success_rate == 0.75
    assert info["shop"].rated == 0 and info["shop"].average_rating is None and info["shop"].success_rate is None
    assert info["gigs"].categories == ("graphic-design", "writing")


def test_a_suspended_partner_is_never_offered(db: Session) -> None:
    _offered()
    with session_scope() as s:
        row = s.get(Partner, "gigs")
        assert row is not None
        row.status = "suspended"
    assert _offered() == ["shop", "handy"]


def test_offers_and_clicks_are_counted_per_day(db: Session) -> None:
    with session_scope() as s:
        partners.record_offered(s, ["shop", "handy", "shop"])
        partners.record_offered(s, ["shop"])
        partners.record_click(s, "shop")
    with session_scope() as s:
        partners.record_click(s, "shop")
    rows = {r.partner_key: (r.offered, r.clicks) for r in db.exec(select(PartnerDaily)).all()}
    assert rows == {"shop": (2, 2), "handy": (1, 0)}


def test_the_rule_does_not_suspend_before_the_threshold(db: Session) -> None:
    _offered()
    member = make_user("member")
    make_user("boss", role="admin")
    report_outcomes(member, "handy", [1, 1, 1, 1])
    assert _apply() is False
    assert db.get(Partner, "handy").status == "active"  # type: ignore[union-attr]
    assert db.exec(select(AuditEntry)).all() == [] and db.exec(select(Notification)).all() == []


def test_the_rule_suspends_at_the_threshold_audits_once_and_tells_every_admin(db: Session) -> None:
    _offered()
    member = make_user("member")
    boss, other = make_user("boss", role="admin"), make_user("other", role="admin")
    report_outcomes(member, "handy", [2, 2, 3, 2, 2])
    assert _apply() is True
    assert _apply() is False  # idempotent: already suspended
    partner = db.get(Partner, "handy")
    assert partner is not None and partner.status == "suspended" and partner.suspended_by == "rule"
    assert partner.suspended_reason == "Average rating 2.2 over 5 rated outcomes is below 3.0"
    assert partner.suspended_at is not None
    entries = db.exec(select(AuditEntry)).all()
    assert [(e.actor_id, e.action, e.subject, e.reason) for e in entries] == [
        (None, "partner.suspend", "partner:handy", partner.suspended_reason)
    ]
    notes = db.exec(select(Notification).order_by(col(Notification.user_id))).all()
    assert [(n.user_id, n.kind, n.link) for n in notes] == [
        (boss.id, "partner_suspended", "/admin/partners"),
        (other.id, "partner_suspended", "/admin/partners"),
    ]
    assert notes[0].title == "Handy was suspended by the curation rule"
    assert member.id not in {n.user_id for n in notes}
    assert _offered() == ["shop", "gigs"]


def test_the_rule_leaves_good_partners_and_unknown_keys_alone(db: Session) -> None:
    _offered()
    report_outcomes(make_user("member"), "handy", [5, 4, 4, 5, 3])
    assert _apply() is False and _apply("nobody") is False
    assert db.get(Partner, "handy").status == "active"  # type: ignore[union-attr]


def test_after_a_reinstatement_the_rule_counts_only_new_outcomes(db: Session) -> None:
    _offered()
    member = make_user("member")
    report_outcomes(member, "handy", [1, 1, 1, 1, 1])
    assert _apply() is True
    with session_scope() as s:
        row = s.get(Partner, "handy")
        assert row is not None
        row.status, row.suspended_by = "active", ""
        audit.record(s, actor_id=None, action="partner.reinstate", subject="partner:handy", reason="New management")
    assert _apply() is False
    report_outcomes(member, "handy", [2, 2, 2, 2, 2])
    assert _apply() is True


def test_one_member_alone_cannot_suspend_a_partner_for_everyone(db: Session) -> None:
    """However many tasks one member reports on, the rule waits for `min_reporters` different members."""
    _offered()
    make_user("boss", role="admin")
    rule = Rule(min_outcomes=3, min_rating=3.0, min_success_percent=60, min_reporters=2)
    grudge = make_user("grudge")
    report_outcomes(grudge, "handy", [1, 1, 1, 1, 1, 1], done=False)
    with session_scope() as s:
        assert curation.apply_rule(s, partner_key="handy", rule=rule) is False
    report_outcomes(make_user("second"), "handy", [2], done=False)
    with session_scope() as s:
        assert curation.apply_rule(s, partner_key="handy", rule=rule) is True
    with session_scope() as s:
        entry = s.exec(select(AuditEntry)).one()
        assert '"reporters": 2' in entry.detail


def test_the_rule_reads_the_settings() -> None:
    rule = curation.rule_from(get_settings())
    assert (rule.min_outcomes, rule.min_rating, rule.min_success_percent, rule.min_reporters) == (5, 3.0, 60, 3)


def test_name_kind_and_categories_follow_the_adapter_after_registration(db: Session) -> None:
    _offered()
    adapters = described_partners()
    adapters["handy"].categories = ("furniture-assembly", "errands")
    adapters["handy"].name = "Handy Pros"
    with session_scope() as s:
        info = {p.key: p for p in partners.offered(s, adapters)}
    assert info["handy"].categories == ("furniture-assembly", "errands") and info["handy"].name == "Handy Pros"
