"""Partners on PostgreSQL: many workers opening the first menu at once register each partner once and all succeed;
offers and clicks counted at once are all counted; two outcomes that breach the rule at once suspend, audit and notify
once."""

from __future__ import annotations

import threading

from sqlalchemy import text
from sqlmodel import select

from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.curation import Rule
from jtbd_app.models import AuditEntry, Notification, Partner, PartnerDaily
from jtbd_app.services.accounts import terms
from jtbd_app.services.delegate import curation, partners
from tests.support.members import make_user
from tests.support.partner_scorecards import described_partners, report_outcomes

WORKERS = 10


def test_partners_register_once_when_many_workers_offer_them_at_once(database: str) -> None:
    start, errors, offered = threading.Barrier(WORKERS), [], []

    def offer() -> None:
        try:
            with session_scope() as session:
                session.execute(text("SELECT 1"))
                start.wait()
                offered.append([p.key for p in partners.offered(session, described_partners())])
                partners.record_offered(session, ["shop", "handy"])
                partners.record_click(session, "shop")
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=offer) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert offered == [["shop", "gigs", "handy"]] * WORKERS
    with read_scope() as session:
        assert len(session.exec(select(Partner)).all()) == 3
        counts = {r.partner_key: (r.offered, r.clicks) for r in session.exec(select(PartnerDaily)).all()}
    assert counts == {"shop": (WORKERS, WORKERS), "handy": (WORKERS, 0)}


def test_two_breaching_outcomes_at_once_suspend_audit_and_notify_once(database: str) -> None:
    with session_scope() as session:
        partners.register(session, described_partners())
        terms.publish_terms(session, title="Terms", body="Be nice.")
    make_user("boss", role="admin")
    report_outcomes(make_user("member"), "handy", [1, 1, 1, 1, 1])
    rule = Rule(min_outcomes=5, min_rating=3.0, min_success_percent=60)
    start, errors, suspended = threading.Barrier(2), [], []

    def apply() -> None:
        try:
            with session_scope() as session:
                session.execute(text("SELECT 1"))
                start.wait()
                suspended.append(curation.apply_rule(session, partner_key="handy", rule=rule))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and sorted(suspended) == [False, True]
    with read_scope() as session:
        assert session.get(Partner, "handy").status == "suspended"  # type: ignore[union-attr]
        assert len(session.exec(select(AuditEntry)).all()) == 1
        assert len(session.exec(select(Notification)).all()) == 1
