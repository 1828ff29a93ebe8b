"""The admin home's health numbers: contracts and money funded this week, money held in escrow at the end of each week
(from the ledger), frozen contracts by age, and the outside partners' health."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain import platform_health as health
from jtbd_app.domain.errors import PermissionDenied
from jtbd_app.models import Partner, RoutingDecision, utcnow
from jtbd_app.services.delegate import todos
from jtbd_app.services.trust import disputes, moderation, overview, reports
from jtbd_app.services.viewer import Viewer
from tests.support.contracts import Deal, agreed_contract, deliver, fund
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def home(viewer: Viewer) -> overview.AdminHome:
    with session_scope() as s:
        return overview.admin_home(s, viewer=viewer, adapters=bootstrap.partners(get_settings()))


def test_a_funded_contract_counts_this_week_and_its_escrow_is_held(deal: Deal) -> None:
    admin = viewer_of(make_user("ada", role="admin"))
    fund(deal)
    found = home(admin)
    assert len(found.weeks) == health.WEEKS and found.currency == "USD"
    this_week = found.weeks[-1]
    assert (this_week.contracts, this_week.funded, this_week.funded_text) == (1, 100, "$100.00")
    assert (this_week.escrow, this_week.escrow_text) == (100, "$100.00")
    assert all(w.contracts == 0 and w.escrow_text == "$0.00" for w in found.weeks[:-1])
    assert "1 contracts, $100.00 funded" in found.summaries["volume"]
    assert found.summaries["escrow"].endswith("$100.00 now.")


def test_a_frozen_contract_counts_as_an_open_dispute_by_its_age(deal: Deal) -> None:
    admin = viewer_of(make_user("ada", role="admin"))
    fund(deal)
    deliver(deal)
    with session_scope() as s:
        disputes.open_dispute(
            s,
            viewer=deal.client,
            contract_id=deal.contract_id,
            reason_code="not_as_described",
            reason_text="Not what we agreed.",
            outcome_wanted="full_refund",
        )
    found = home(admin)
    assert found.frozen_total == 1
    assert [(a.age, a.contracts) for a in found.ages] == [
        ("Under 1 day", 1),
        ("1 to 3 days", 0),
        ("3 to 7 days", 0),
        ("Over 7 days", 0),
    ]


def test_partner_health_counts_active_and_suspended_and_averages_ratings(db: Session) -> None:
    admin = viewer_of(make_user("ada", role="admin"))
    carol = make_user("carol")
    home(admin)  # registers the partners
    with session_scope() as s:
        task_id = todos.add_task(s, viewer=viewer_of(carol), values={"title": "Fix the tap"})
    assert carol.id is not None
    for rating in (5, 4):
        db.add(
            RoutingDecision(
                task_id=task_id,
                owner_id=carol.id,
                route="outside",
                partner_key="thumbtack",
                outcome="done",
                rating=rating,
                reported_at=utcnow(),
            )
        )
    suspended = db.get(Partner, "fiverr")
    assert suspended is not None
    suspended.status = "suspended"
    db.add(suspended)
    db.commit()
    found = home(admin)
    rows = {p.name: p for p in found.partners}
    assert found.partners_suspended == 1 and found.partners_active == len(rows) - 1
    thumbtack = next(p for p in found.partners if p.rating)
    assert (thumbtack.rating, thumbtack.rating_text) == (4.5, "4.5 (2 rated)")
    assert found.average_rating == "4.5 from 2 ratings"


def test_only_admins_see_the_overview() -> None:
    with pytest.raises(PermissionDenied):
        home(viewer_of(make_user("ann")))


def test_weeks_start_on_monday_and_ages_fall_in_their_buckets() -> None:
    starts = health.week_starts(date(2026, 12, 5), weeks=3)  # a Saturday
    assert starts == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
    sunday = datetime(2026, 11, 29, 23, 0)
    assert health.by_week([(sunday, 5), (datetime(2026, 11, 30), 2), (datetime(2026, 1, 1), 9)], starts) == [0, 5, 2]
    assert health.running(10, [0, 5, -15]) == [10, 15, 0]
    now = datetime(2026, 12, 5, 12, 0)
    ages = [now - timedelta(hours=h) for h in (1, 30, 24 * 5, 24 * 7, 24 * 30)]
    assert health.ages(ages, now) == [1, 1, 1, 2]


def test_the_charts_follow_the_currency_funded_most_and_name_the_others() -> None:
    admin = viewer_of(make_user("ada", role="admin"))
    fund(agreed_contract(make_user("carol"), make_user("ken"), price="100", currency="USD"))
    fund(agreed_contract(make_user("cleo"), make_user("kai"), price="300", currency="EUR"))
    found = home(admin)
    assert found.currency == "EUR" and found.weeks[-1].funded_text == "€300.00"
    assert found.other_currencies == "USD: $100.00 funded"
    assert found.weeks[-1].contracts == 2  # contracts are counted whatever their currency


def test_reports_filed_and_closed_this_week_and_those_still_open() -> None:
    admin = viewer_of(make_user("ada", role="admin"))
    bob, cat, dan = make_user("bob"), make_user("cat"), make_user("dan")
    with session_scope() as s:
        for reporter in (cat, dan):
            reports.file_report(
                s, viewer=viewer_of(reporter), kind="profile", subject=bob.id, reason="spam", details=""
            )
        reports.file_report(s, viewer=viewer_of(bob), kind="profile", subject=cat.id, reason="spam", details="")
    with session_scope() as s:
        moderation.moderate(s, viewer=admin, kind="profile", subject_id=bob.id, action="dismiss", reason="Fine.")
    found = home(admin)
    assert (found.weeks[-1].reports, found.weeks[-1].reports_closed, found.reports_open) == (3, 2, 1)
    assert all(w.reports == 0 and w.reports_closed == 0 for w in found.weeks[:-1])
    assert found.summaries["reports"].endswith("3 filed, 2 closed; 1 open now.")
