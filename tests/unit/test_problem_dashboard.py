"""The owner's dashboard of a published problem and its contractor matching: what is held and released, what needs
the owner, what is late or waiting; the best contractors for a posted task, invited in one click."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.models import Invitation, Problem
from jtbd_app.services.contracts import deliveries
from jtbd_app.services.problems import problem_view, task_matching
from tests.support import problem_money
from tests.support.contractors import ContractorProfile, fill_profile
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def _contractor(name: str, **profile: object) -> object:
    user = make_user(name)
    with session_scope() as session:
        fill_profile(session, user, ContractorProfile(**profile))  # type: ignore[arg-type]
    return user


def _detail(deal: problem_money.ProblemDeal) -> problem_view.ProblemDetail:
    with read_scope() as session:
        return problem_view.problem_detail(session, viewer=deal.owner, problem_id=deal.problem_id)


def _funded() -> problem_money.ProblemDeal:
    deal = problem_money.planned(make_user("olga"))
    problem_money.fund(deal, SandboxGateway())
    return deal


def test_a_funded_problem_shows_its_money_and_each_task_its_listing() -> None:
    deal = _funded()
    detail = _detail(deal)
    assert detail.funded and detail.status == "published"
    assert [(m.label, m.amount) for m in detail.money] == [
        ("Budget paid in", "$3,000.00"),
        ("Held for tasks not yet hired", "$3,000.00"),
        ("Held in contracts under way", "$0.00"),
        ("Released to contractors", "$0.00"),
    ]
    assert all(t.listing_href.startswith("/listings/") and t.postable for t in detail.tasks)
    assert detail.free_minor == 0 and detail.needs_you == [] and detail.fit.summary == ""


def test_bids_a_delivery_and_a_release_show_as_what_needs_the_owner_and_as_money() -> None:
    deal = _funded()
    ken = make_user("ken")
    problem_money.bid(deal, "content", ken, price="1400")
    assert _detail(deal).needs_you == ["Write ten articles: 1 bid to review"]
    contract_id = problem_money.hire(deal, "audit", ken, price="450")
    with session_scope() as session:
        deliveries.submit_delivery(session, viewer=viewer_of(ken), contract_id=contract_id, message="Audit done.")
    detail = _detail(deal)
    audit = next(t for t in detail.tasks if t.key == "audit")
    assert (audit.progress, audit.needs_you, audit.contract_href) == (
        "Delivered: review it",
        "Review the delivery",
        f"/contracts/{contract_id}",
    )
    assert "Audit the site: review the delivery" in detail.needs_you
    assert dict((m.label, m.amount) for m in detail.money)["Held in contracts under way"] == "$450.00"
    assert detail.free == "$50.00"  # the audit's share was $500; its contract took $450


def test_a_task_past_its_due_date_is_late_and_what_needs_it_waits(db: Session) -> None:
    deal = _funded()
    problem = db.get(Problem, deal.problem_id)
    assert problem is not None and problem.plan_start is not None
    problem.plan_start = problem.plan_start - timedelta(days=30)
    db.add(problem)
    db.commit()
    detail = _detail(deal)
    audit = next(t for t in detail.tasks if t.key == "audit")
    content = next(t for t in detail.tasks if t.key == "content")
    assert audit.late and detail.late >= 1
    assert content.blocked_by == "Audit the site"
    assert next(n for n in detail.nodes if n.key == "audit").state == "late"


def test_matches_rank_the_fitting_contractor_first_and_say_why() -> None:
    deal = _funded()
    _contractor("audra", skills=("seo", "analytics"), rate_minor=5_000, bio="I audit websites for search engines.")
    _contractor("pablo", skills=("plumbing",), rate_minor=5_000, bio="Leaks fixed fast.")
    with read_scope() as session:
        found = task_matching.suggestions(session, viewer=deal.owner, problem_id=deal.problem_id, task_key="audit")
    assert found[0].username == "audra" and found[0].reason and not found[0].invited
    assert "olga" not in [s.username for s in found]


def test_inviting_the_best_invites_at_most_three_once(db: Session) -> None:
    deal = _funded()
    for name in ("ann", "bob", "cat", "dan"):
        _contractor(name, skills=("seo",), bio="Search work.")
    with session_scope() as session:
        first = task_matching.invite_best(session, viewer=deal.owner, problem_id=deal.problem_id, task_key="audit")
    with session_scope() as session:
        second = task_matching.invite_best(session, viewer=deal.owner, problem_id=deal.problem_id, task_key="audit")
    assert (first, second) == (3, 1)
    assert len(db.exec(select(Invitation)).all()) == 4


def test_nobody_else_sees_matches_or_invites() -> None:
    deal = _funded()
    _contractor("audra", skills=("seo",))
    mallory = viewer_of(make_user("mallory"))
    with read_scope() as session, pytest.raises(NotFound):
        task_matching.suggestions(session, viewer=mallory, problem_id=deal.problem_id, task_key="audit")
    with session_scope() as session, pytest.raises(NotFound):
        task_matching.invite_best(session, viewer=mallory, problem_id=deal.problem_id, task_key="audit")


def test_a_task_not_posted_has_no_matches() -> None:
    deal = problem_money.planned(make_user("olga"))
    with read_scope() as session, pytest.raises(ValidationFailed):
        task_matching.suggestions(session, viewer=deal.owner, problem_id=deal.problem_id, task_key="audit")
