"""The partner tab of /providers: active partners filtered by kind, category and rating, a page at a time, each with
its public scorecard (numbers only, never a member's comment)."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound
from jtbd_app.models import Partner
from jtbd_app.services.delegate import partner_view, partners
from tests.support.members import make_user
from tests.support.partner_scorecards import described_partners, report_outcomes

ADAPTERS = described_partners()


def _browse(per_page: int = 10, **params: str) -> partner_view.PartnerBrowse:
    with session_scope() as s:
        return partner_view.browse(s, params=params, adapters=ADAPTERS, per_page=per_page)


def test_everything_active_is_listed_in_registry_order_with_its_categories() -> None:
    found = _browse()
    assert [c.key for c in found.cards] == ["shop", "gigs", "handy"] and found.total == 3 and found.errors == {}
    assert found.categories == [
        "furniture-assembly",
        "graphic-design",
        "groceries",
        "home-repair",
        "household",
        "writing",
    ]
    assert found.cards[2].kind_label == "Local pros" and found.cards[2].categories == [
        "furniture assembly",
        "home repair",
    ]


def test_filters_by_kind_and_category() -> None:
    assert [c.key for c in _browse(kind="local").cards] == ["handy"]
    assert [c.key for c in _browse(category="groceries").cards] == ["shop"]
    assert _browse(kind="digital", category="groceries").cards == []


def test_a_minimum_rating_leaves_out_lower_and_unrated_partners() -> None:
    member = make_user("member")
    report_outcomes(member, "gigs", [5, 4])
    report_outcomes(member, "handy", [2, 3])
    assert [c.key for c in _browse(rating="4").cards] == ["gigs"]


def test_bad_parameters_are_reported_by_field_and_the_rest_applies() -> None:
    found = _browse(kind="spaceships", category="made-up", rating="11", partner_page="x")
    assert set(found.errors) == {"kind", "category", "rating", "partner_page"}
    assert found.total == 3 and found.query.to_params() == {"tab": "partners"}


def test_pages_hold_per_page_partners() -> None:
    second = _browse(per_page=2, partner_page="2")
    assert [c.key for c in second.cards] == ["handy"] and second.page == 2 and second.pages == 2
    assert _browse(per_page=2, partner_page="9").page == 2


def test_suspended_partners_are_not_listed(db: Session) -> None:
    with session_scope() as s:
        partners.register(s, ADAPTERS)
        row = s.get(Partner, "shop")
        assert row is not None
        row.status = "suspended"
    assert [c.key for c in _browse().cards] == ["gigs", "handy"]
    with session_scope() as s:
        try:
            partner_view.scorecard_of(s, key="shop", adapters=ADAPTERS)
        except NotFound:
            pass
        else:
            raise AssertionError("a suspended partner has no public scorecard")


def test_the_scorecard_has_numbers_a_chart_and_no_comments() -> None:
    member = make_user("member")
    report_outcomes(member, "handy", [4, 2])
    report_outcomes(member, "handy", [None], done=False)
    with session_scope() as s:
        partners.record_offered(s, ["handy"])
        partners.record_click(s, "handy")
    with session_scope() as s:
        card = partner_view.scorecard_of(s, key="handy", adapters=ADAPTERS)
    assert (card.offered, card.clicks, card.reported, card.rating, card.success) == (
        1,
        1,
        3,
        "3.0 from 2 ratings",
        "66%",
    )
    assert len(card.chart.rows) == 8 and card.chart.rows[-1].offered == 1 and card.chart.rows[-1].reported == 3
    assert card.chart.summary.startswith("Handy: offered 1 times and followed 1 times in all; 3 outcomes reported")
    assert card.chart.rating_points and card.chart.success_points and len(card.chart.bars) == 16
    assert "Elm" not in repr(card) and "member" not in repr(card)


def test_browsing_writes_nothing_even_before_the_partners_are_registered(db: Session) -> None:
    found = _browse(kind="product")
    assert [c.name for c in found.cards] == ["Shop"] and found.cards[0].rating == "No ratings yet"
    assert db.exec(select(Partner)).all() == []
