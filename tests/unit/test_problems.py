"""Submitting a problem: every bad field gets its own message and nothing is stored; only the owner sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import NotFound, NotSignedIn, ValidationFailed
from jtbd_app.models import Problem
from jtbd_app.services.problems import problems
from tests.support.members import make_user
from tests.support.problems import form, submitted_problem
from tests.support.viewers import viewer_of


def _problem_count(db: Session) -> int:
    return db.exec(select(func.count()).select_from(Problem)).one()


def _refused(values: dict[str, str]) -> dict[str, str]:
    owner = make_user("carol")
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        problems.submit_problem(session, viewer=viewer_of(owner), values=values)
    return refused.value.fields


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"outcome": ""}, "outcome", "required"),
        ({"outcome": "grow"}, "outcome", "at least 10 characters"),
        ({"outcome": "x" * 2001}, "outcome", "at most 2000"),
        ({"outcome": "Get visitors <script>alert(1)</script>"}, "outcome", "HTML"),
        ({"budget": ""}, "budget", "Enter an amount"),
        ({"budget": "-5"}, "budget", "negative"),
        ({"budget": "abc"}, "budget", "number"),
        ({"budget": "9.99"}, "budget", "too small to split"),
        ({"budget": "99999999999"}, "budget", "too large"),
        ({"currency": "XYZ"}, "currency", "supported currency"),
        ({"deadline": ""}, "deadline", "Choose a deadline"),
        ({"deadline": "soon"}, "deadline", "date such as"),
        ({"deadline": "2020-01-01"}, "deadline", "after today"),
        ({"deadline": "2099-01-01"}, "deadline", "at most 730 days"),
        ({"constraints": "<b>bold</b>"}, "constraints", "HTML"),
        ({"location": "<Paris>"}, "location", "cannot contain"),
    ],
)
def test_a_bad_field_gets_a_message_by_it_and_stores_nothing(
    db: Session, overrides: dict[str, str], field: str, says: str
) -> None:
    fields = _refused(form(**overrides))
    assert says in fields[field]
    assert _problem_count(db) == 0


def test_a_deadline_of_today_is_in_the_past_for_planning(db: Session) -> None:
    fields = _refused(form(deadline=problems.today().isoformat()))
    assert "after today" in fields["deadline"]


def test_a_valid_problem_is_stored_as_a_draft_with_a_short_title(db: Session) -> None:
    owner = make_user("carol")
    problem_id = submitted_problem(owner, outcome="Get 10K legit visitors to my bakery's site. It sells bread.")
    problem = db.get(Problem, problem_id)
    assert problem is not None
    assert (problem.status, problem.budget_minor, problem.currency) == ("draft", 300_000, "USD")
    assert problem.title == "Get 10K legit visitors to my bakery's site"
    assert problem.deadline == problems.today() + timedelta(days=60)


def test_a_signed_out_visitor_cannot_submit(db: Session) -> None:
    with pytest.raises(NotSignedIn), session_scope() as session:
        problems.submit_problem(session, viewer=None, values=form())
    assert _problem_count(db) == 0


def test_someone_elses_problem_is_not_found_and_not_listed() -> None:
    carol, mallory = make_user("carol"), make_user("mallory")
    problem_id = submitted_problem(carol)
    with read_scope() as session, pytest.raises(NotFound):
        problems.owned_problem(session, viewer=viewer_of(mallory), problem_id=problem_id)
    with read_scope() as session:
        assert problems.list_problems(session, viewer=viewer_of(mallory)).total == 0
        mine = problems.list_problems(session, viewer=viewer_of(carol))
    assert [r.id for r in mine.rows] == [problem_id]


@pytest.mark.parametrize("bad_id", ["abc", "-1", "99999999999", "1.5", ""])
def test_an_id_that_cannot_be_one_is_simply_not_found(bad_id: str) -> None:
    carol = make_user("carol")
    with read_scope() as session, pytest.raises(NotFound):
        problems.owned_problem(session, viewer=viewer_of(carol), problem_id=bad_id)


def test_the_list_is_paged_newest_first() -> None:
    carol = make_user("carol")
    ids = [submitted_problem(carol, outcome=f"Outcome number {n} for the bakery") for n in range(12)]
    with read_scope() as session:
        first = problems.list_problems(session, viewer=viewer_of(carol), page=1)
        second = problems.list_problems(session, viewer=viewer_of(carol), page=2)
    assert (first.total, first.pages) == (12, 2)
    assert [r.id for r in first.rows + second.rows] == list(reversed(ids))
