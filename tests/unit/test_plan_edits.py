"""Editing a plan before it is published: every edit leaves the shares summing to the budget to the cent and the due
dates in dependency order within the deadline, or changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.plans import PlanTask, check
from jtbd_app.models import Problem
from jtbd_app.services.problems import plan_edit, planning, problems
from tests.support.members import make_user
from tests.support.problems import planned_problem
from tests.support.viewers import viewer_of

EDIT = {
    "title": "Write twelve articles",
    "description": "Long-form posts about sourdough.",
    "skills": "copywriting, SEO",
    "criteria": "Twelve posts are live\nEach post is at least 1,200 words",
    "evidence_kind": "number",
    "evidence_description": "Count of published posts",
    "evidence_threshold": "12",
    "route": "internal",
    "duration_days": "25",
}


def _plan(problem_id: int) -> list[PlanTask]:
    with read_scope() as session:
        return planning.current_tasks(session, problem_id)


def _assert_whole(db: Session, problem_id: int) -> list[PlanTask]:
    problem = db.get(Problem, problem_id)
    assert problem is not None
    db.refresh(problem)
    tasks = _plan(problem_id)
    check(tasks, problems.brief_of(problem, start=problem.plan_start or problems.today()))
    assert sum(t.budget_minor for t in tasks) == problem.budget_minor
    return tasks


def test_a_saved_plan_is_whole_and_the_problem_is_planned(db: Session) -> None:
    problem_id = planned_problem(make_user("carol"))
    tasks = _assert_whole(db, problem_id)
    assert [t.key for t in tasks] == ["audit", "content", "ads"]
    assert [t.budget_minor for t in tasks] == [50_000, 150_000, 100_000]  # in proportion to the estimates
    problem = db.get(Problem, problem_id)
    assert problem is not None and problem.status == "planned" and problem.plan_start == problems.today()


def test_editing_a_task_keeps_its_fields_and_the_plan_whole(db: Session) -> None:
    carol = make_user("carol")
    problem_id = planned_problem(carol)
    with session_scope() as session:
        plan_edit.update_task(session, viewer=viewer_of(carol), problem_id=problem_id, task_key="content", values=EDIT)
    content = next(t for t in _assert_whole(db, problem_id) if t.key == "content")
    assert content.title == "Write twelve articles"
    assert content.skills == ["copywriting", "seo"]
    assert content.criteria == ["Twelve posts are live", "Each post is at least 1,200 words"]
    assert (content.evidence.kind, content.evidence.threshold) == ("number", 12)
    assert content.duration_days == 25


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("title", "", "required"),
        ("criteria", "", "at least one"),
        ("criteria", "<img src=x onerror=alert(1)>", "plain text"),
        ("evidence_kind", "telepathy", "prove"),
        ("route", "somewhere", "gets done"),
        ("duration_days", "-3", "whole number"),
        ("duration_days", "900", "between 1 and"),
        ("description", "<script>x</script>", "HTML"),
    ],
)
def test_a_bad_task_field_changes_nothing(db: Session, field: str, value: str, says: str) -> None:
    carol = make_user("carol")
    problem_id = planned_problem(carol)
    before = _plan(problem_id)
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        plan_edit.update_task(
            session, viewer=viewer_of(carol), problem_id=problem_id, task_key="content", values={**EDIT, field: value}
        )
    assert says in refused.value.fields[field]
    assert _plan(problem_id) == before


def test_setting_one_share_splits_the_rest_in_proportion_to_the_cent(db: Session) -> None:
    carol = make_user("carol")
    problem_id = planned_problem(carol)
    with session_scope() as session:
        plan_edit.set_share(session, viewer=viewer_of(carol), problem_id=problem_id, task_key="audit", amount="1000.01")
    tasks = _assert_whole(db, problem_id)
    assert [t.budget_minor for t in tasks] == [100_001, 119_999, 80_000]


def test_a_share_above_the_budget_is_refused(db: Session) -> None:
    carol = make_user("carol")
    problem_id = planned_problem(carol)
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        plan_edit.set_share(session, viewer=viewer_of(carol), problem_id=problem_id, task_key="audit", amount="3000.01")
    assert "whole budget" in refused.value.fields["share"]


def test_splitting_evenly_gives_the_odd_cent_to_one_task(db: Session) -> None:
    carol = make_user("carol")
    problem_id = planned_problem(carol, budget="1000.01")
    with session_scope() as session:
        plan_edit.resplit(session, viewer=viewer_of(carol), problem_id=problem_id, mode="even")
    assert sorted(t.budget_minor for t in _assert_whole(db, problem_id)) == [33_333, 33_334, 33_334]


def test_removing_a_task_hands_its_needs_to_what_needed_it(db: Session) -> None:
    carol = make_user("carol")
    problem_id = planned_problem(carol)
    with session_scope() as session:
        plan_edit.toggle_dependency(
            session, viewer=viewer_of(carol), problem_id=problem_id, task_key="ads", need_key="content"
        )
        plan_edit.remove_task(session, viewer=viewer_of(carol), problem_id=problem_id, task_key="content")
    tasks = _assert_whole(db, problem_id)
    assert {t.key: t.depends_on for t in tasks} == {"audit": [], "ads": ["audit"]}


def test_a_dependency_that_would_make_a_circle_is_refused(db: Session) -> None:
    carol = make_user("carol")
    problem_id = planned_problem(carol)
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        plan_edit.toggle_dependency(
            session, viewer=viewer_of(carol), problem_id=problem_id, task_key="audit", need_key="content"
        )
    assert "already needs" in refused.value.fields["form"]
    assert next(t for t in _plan(problem_id) if t.key == "audit").depends_on == []


def test_an_added_task_takes_an_even_part_from_the_others(db: Session) -> None:
    carol = make_user("carol")
    problem_id = planned_problem(carol)
    with session_scope() as session:
        key = plan_edit.add_task(session, viewer=viewer_of(carol), problem_id=problem_id, values=EDIT)
    tasks = _assert_whole(db, problem_id)
    added = next(t for t in tasks if t.key == key)
    assert key == "write-twelve-artic"
    assert added.budget_minor == 75_000


def test_moving_a_task_changes_only_the_order(db: Session) -> None:
    carol = make_user("carol")
    problem_id = planned_problem(carol)
    with session_scope() as session:
        plan_edit.move_task(session, viewer=viewer_of(carol), problem_id=problem_id, task_key="ads", offset=-1)
    assert [t.key for t in _assert_whole(db, problem_id)] == ["audit", "ads", "content"]


def test_nobody_else_can_edit_the_plan(db: Session) -> None:
    carol, mallory = make_user("carol"), make_user("mallory")
    problem_id = planned_problem(carol)
    before = _plan(problem_id)
    with pytest.raises(NotFound), session_scope() as session:
        plan_edit.remove_task(session, viewer=viewer_of(mallory), problem_id=problem_id, task_key="ads")
    assert _plan(problem_id) == before


def test_a_published_plan_can_no_longer_be_edited(db: Session) -> None:
    carol = make_user("carol")
    problem_id = planned_problem(carol)
    problem = db.get(Problem, problem_id)
    assert problem is not None
    problem.status = "published"
    db.add(problem)
    db.commit()
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        plan_edit.resplit(session, viewer=viewer_of(carol), problem_id=problem_id, mode="even")
    assert "published" in refused.value.fields["form"]


def test_a_second_planner_is_refused_while_the_first_works(db: Session) -> None:
    carol = make_user("carol")
    problem_id = planned_problem(carol)
    with session_scope() as session:
        planning.begin_planning(session, viewer=viewer_of(carol), problem_id=problem_id)
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        planning.begin_planning(session, viewer=viewer_of(carol), problem_id=problem_id)
    assert "already being made" in refused.value.fields["form"]
    with session_scope() as session:
        planning.end_planning(session, viewer=viewer_of(carol), problem_id=problem_id)
        planning.begin_planning(session, viewer=viewer_of(carol), problem_id=problem_id)
