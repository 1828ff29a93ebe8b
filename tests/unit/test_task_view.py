"""The task list as its page shows it: the viewer's own tasks only, filtered and paged, each saying where it went and
how that stands now (a listing's bids and contract, a problem's state, an outside route's outcome), read in a fixed
number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session

from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import NotSignedIn, PermissionDenied
from jtbd_app.models import Partner, RoutingDecision, TodoTask, User, utcnow
from jtbd_app.services.delegate import task_view, todos
from jtbd_app.services.marketplace import listings
from tests.support.contracts import hired
from tests.support.database import counted_queries
from tests.support.factories import bid, make_listing
from tests.support.members import make_user
from tests.support.problems import submitted_problem
from tests.support.viewers import viewer_of


def _add(owner: User, title: str = "Buy lightbulbs", **values: object) -> int:
    with session_scope() as session:
        return todos.add_task(session, viewer=viewer_of(owner), values={"title": title, **values})


def _page(owner: User, show: str = "open", page: int = 1) -> task_view.TaskPage:
    with read_scope() as session:
        return task_view.list_tasks(session, viewer=viewer_of(owner), show=show, page=page)


def _row(owner: User, task_id: int) -> task_view.TaskRow:
    return next(r for r in _page(owner, "all").rows if r.id == task_id)


def _routed(db: Session, owner: User, task_id: int, route: str, **fields: Any) -> None:
    assert owner.id is not None
    db.add(RoutingDecision(task_id=task_id, owner_id=owner.id, route=route, **fields))
    db.commit()


def _done(owner: User, task_id: int) -> None:
    with session_scope() as session:
        todos.set_done(session, viewer=viewer_of(owner), task_id=task_id, done=True)


def test_a_member_with_no_tasks_sees_an_empty_first_page(db: Session) -> None:
    listed = _page(make_user("carol"))
    assert (listed.rows, listed.page, listed.pages, listed.total, listed.open_count, listed.done_count) == (
        [],
        1,
        1,
        0,
        0,
        0,
    )


def test_open_done_and_all_filter_the_list_newest_first_with_counts(db: Session) -> None:
    carol = make_user("carol")
    first, second, third = _add(carol, "First"), _add(carol, "Second"), _add(carol, "Third")
    _done(carol, second)
    opened, done, every = _page(carol, "open"), _page(carol, "done"), _page(carol, "all")
    assert [r.id for r in opened.rows] == [third, first] and opened.total == 2
    assert [r.id for r in done.rows] == [second] and done.rows[0].done and done.total == 1
    assert [r.id for r in every.rows] == [third, second, first] and every.total == 3
    assert {(p.open_count, p.done_count) for p in (opened, done, every)} == {(2, 1)}


def test_an_unknown_filter_shows_open_tasks(db: Session) -> None:
    carol = make_user("carol")
    _add(carol)
    assert _page(carol, "<script>").show == "open"


def test_pages_hold_twenty_tasks_and_a_page_past_the_end_shows_the_last(db: Session) -> None:
    carol = make_user("carol")
    ids = [_add(carol, f"Task {n}") for n in range(45)]
    first, last = _page(carol, page=1), _page(carol, page=99)
    assert first.pages == 3 and len(first.rows) == 20 and first.rows[0].id == ids[-1]
    assert last.page == 3 and [r.id for r in last.rows] == ids[4::-1]
    assert _page(carol, page=2).rows[0].id == ids[24]


def test_other_members_and_deleted_tasks_are_not_listed_or_counted(db: Session) -> None:
    carol, ken = make_user("carol"), make_user("ken")
    kept, gone = _add(carol, "Kept"), _add(carol, "Gone")
    _add(ken, "Ken's own")
    with session_scope() as session:
        todos.delete_task(session, viewer=viewer_of(carol), task_id=gone)
    listed = _page(carol, "all")
    assert [r.id for r in listed.rows] == [kept] and (listed.open_count, listed.done_count) == (1, 0)


def test_a_signed_out_or_suspended_viewer_is_refused(db: Session) -> None:
    with pytest.raises(NotSignedIn), read_scope() as session:
        task_view.list_tasks(session, viewer=None)
    with pytest.raises(PermissionDenied):
        _page(make_user("sam", status="suspended"))


def test_a_task_past_its_due_date_is_overdue_until_it_is_done(db: Session) -> None:
    carol = make_user("carol")
    late, soon = _add(carol, "Late"), _add(carol, "Soon", due_on=(todos.today() + timedelta(days=3)).isoformat())
    with session_scope() as session:
        task = session.get(TodoTask, late)
        assert task is not None
        task.due_on = todos.today() - timedelta(days=2)
    row = _row(carol, late)
    assert row.overdue and row.due_label.startswith("Overdue: was due")
    assert not _row(carol, soon).overdue and _row(carol, soon).due_label.startswith("Due ")
    assert _row(carol, soon).due_on == (todos.today() + timedelta(days=3)).isoformat()
    _done(carol, late)
    assert not _row(carol, late).overdue


def test_a_task_not_yet_delegated_only_offers_the_delegate_link(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol)
    row = _row(carol, task_id)
    assert (row.route, row.route_label, row.link_href, row.status, row.can_report) == ("", "", "", "", False)
    assert row.delegate_href == f"/tasks/{task_id}/delegate"


def test_a_task_posted_here_shows_its_listing_and_bids(db: Session) -> None:
    carol, bob, cat = make_user("carol"), make_user("bob"), make_user("cat")
    listing = make_listing(carol, title="Design a logo for my bakery")
    assert listing.id is not None
    bid(viewer_of(bob), listing.id)
    bid(viewer_of(cat), listing.id)
    task_id = _add(carol, "Design a logo for my bakery")
    _routed(db, carol, task_id, "internal", listing_id=listing.id)
    row = _row(carol, task_id)
    assert (row.route_label, row.link_href, row.link_label) == (
        "Posted here",
        f"/listings/{listing.id}",
        "View the listing",
    )
    assert row.status == "Open for bids · 2 bids" and row.contract_href == "" and not row.can_report


def test_a_task_posted_here_shows_the_contract_once_a_bid_is_accepted(db: Session) -> None:
    carol, ken = make_user("carol"), make_user("ken")
    deal = hired(carol, ken)
    contract = deal.load()
    task_id = _add(carol)
    _routed(db, carol, task_id, "internal", listing_id=contract.listing_id)
    row = _row(carol, task_id)
    assert row.link_href == f"/listings/{contract.listing_id}"
    assert row.contract_href == f"/contracts/{deal.contract_id}"
    assert row.contract_label == "Contract: Awaiting both parties' acceptance"


def test_a_task_whose_listing_is_still_a_draft_links_to_the_wizard(db: Session) -> None:
    carol = make_user("carol")
    with session_scope() as session:
        draft_id = listings.start_draft(
            session, viewer=viewer_of(carol), prefill={"title": "Assemble IKEA wardrobe"}, source="delegate"
        )
    task_id = _add(carol, "Assemble IKEA wardrobe")
    _routed(db, carol, task_id, "internal", listing_id=draft_id)
    row = _row(carol, task_id)
    assert (row.link_href, row.status) == (f"/post?draft={draft_id}", "Draft: finish posting it")


def test_a_task_planned_as_a_problem_shows_the_problem_and_its_state(db: Session) -> None:
    carol = make_user("carol")
    problem_id = submitted_problem(carol)
    task_id = _add(carol, "Grow my bakery's visitors")
    _routed(db, carol, task_id, "problem", problem_id=problem_id)
    row = _row(carol, task_id)
    assert (row.route_label, row.link_href, row.status) == (
        "Planned as a problem",
        f"/problems/{problem_id}",
        "Problem: Draft",
    )


def test_a_task_chosen_to_plan_as_a_problem_before_the_form_is_sent_links_back_to_the_form(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol, "Launch my online store")
    _routed(db, carol, task_id, "problem")
    row = _row(carol, task_id)
    assert (row.route_label, row.link_href, row.link_label, row.status) == (
        "Planning as a problem",
        f"/problems/new?task={task_id}",
        "Finish the problem form",
        "Not submitted yet",
    )


def test_an_outside_route_without_an_outcome_can_be_reported(db: Session) -> None:
    carol = make_user("carol")
    db.add(Partner(key="fiverr", name="Fiverr", kind="digital"))
    task_id = _add(carol, "Design a logo")
    _routed(db, carol, task_id, "outside", partner_key="fiverr")
    row = _row(carol, task_id)
    assert (row.route_label, row.status, row.link_href) == ("Sent to Fiverr", "No outcome reported yet", "")
    assert row.can_report and row.report_href == f"/tasks/{task_id}/delegate#outcome"


def test_an_outside_route_with_an_outcome_shows_it_and_asks_no_more(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol, "Assemble IKEA wardrobe")
    _routed(
        db,
        carol,
        task_id,
        "outside",
        partner_key="taskrabbit",
        outcome="done",
        rating=4,
        reported_at=utcnow(),
        external_url="https://www.taskrabbit.com/jobs/123",
    )
    row = _row(carol, task_id)
    assert (row.route_label, row.status, row.can_report, row.report_href) == (
        "Sent to Taskrabbit",
        "Outcome: done, 4★",
        False,
        "",
    )
    assert (row.link_href, row.external) == ("https://www.taskrabbit.com/jobs/123", True)


def test_a_bought_task_reports_a_bad_outcome_and_never_links_a_script_url(db: Session) -> None:
    carol = make_user("carol")
    db.add(Partner(key="amazon", name="Amazon", kind="product"))
    task_id = _add(carol)
    _routed(
        db,
        carol,
        task_id,
        "buy",
        partner_key="amazon",
        outcome="not_done",
        rating=1,
        external_url="javascript:alert(1)",
    )
    row = _row(carol, task_id)
    assert (row.route_label, row.status, row.link_href) == ("Bought via Amazon", "Outcome: not done, 1★", "")


def test_doing_it_myself_and_the_latest_decision_wins(db: Session) -> None:
    carol = make_user("carol")
    task_id = _add(carol)
    _routed(db, carol, task_id, "outside", partner_key="fiverr")
    _routed(db, carol, task_id, "self")
    row = _row(carol, task_id)
    assert (row.route, row.route_label, row.link_href, row.status, row.can_report) == (
        "self",
        "Doing it myself",
        "",
        "",
        False,
    )


def _mixed_tasks(db: Session, owner: User, contractor: User, n: int) -> None:
    """`n` tasks routed every way there is, each to its own listing, contract, problem or partner."""
    for i in range(n):
        task_id = _add(owner, f"Task {i}")
        kind = i % 4
        if kind == 0:
            _routed(db, owner, task_id, "internal", listing_id=hired(owner, contractor).load().listing_id)
        elif kind == 1:
            _routed(db, owner, task_id, "problem", problem_id=submitted_problem(owner))
        elif kind == 2:
            key = f"{owner.username}{i}"
            db.add(Partner(key=key, name=f"Partner {key}", kind="digital"))
            _routed(db, owner, task_id, "outside", partner_key=key)
        else:
            _routed(db, owner, task_id, "self")


def test_a_page_is_read_in_the_same_few_queries_however_many_rows_it_has(db: Session) -> None:
    carol, ken, cora, kurt = make_user("carol"), make_user("ken"), make_user("cora"), make_user("kurt")
    _mixed_tasks(db, carol, ken, 4)
    _mixed_tasks(db, cora, kurt, 20)

    def queries(owner: User) -> int:
        viewer = viewer_of(owner)
        with counted_queries() as statements, read_scope() as session:
            listed = task_view.list_tasks(session, viewer=viewer, show="all")
        assert {r.route for r in listed.rows} == {"internal", "problem", "outside", "self"}
        return len(statements)

    few, many = queries(carol), queries(cora)
    assert few == many <= 8
