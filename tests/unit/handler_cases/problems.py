"""The problem pages' handlers: only the owner ever sees a problem or changes its plan; a signed-out visitor stores
nothing."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from jtbd_app.models import MicroTask, Problem, RoutingDecision
from jtbd_app.state.problem_plan import ProblemPlanState
from jtbd_app.state.problems import NewProblemState, ProblemsState
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.support.problems import form, planned_problem
from tests.unit.handler_cases import UI_ONLY
from tests.unit.handler_cases.delegate import victims_task

PUBLIC = {
    "NewProblemState.setvar": "Reflex built-in; display vars only; submitting re-checks the caller on the server",
    "NewProblemState.suggest_criteria": "suggests criteria from the text the caller sent; reads and stores nothing",
    "ProblemsState.setvar": "Reflex built-in; display vars only; every load re-checks the caller",
    "ProblemPlanState.setvar": "Reflex built-in; display vars only; every edit re-checks the owner on the server",
    "ProblemPlanState.start_edit": UI_ONLY,
    "ProblemPlanState.start_add": UI_ONLY,
    "ProblemPlanState.start_refine": UI_ONLY,
    "ProblemPlanState.close_forms": UI_ONLY,
}


def _victims_problem() -> int:
    return planned_problem(make_user("victim"))


def _plan(db: Session, problem_id: int) -> list[tuple[str, str, int, str]]:
    db.expire_all()
    rows = db.exec(select(MicroTask).where(MicroTask.problem_id == problem_id).order_by(col(MicroTask.position))).all()
    return [(r.key, r.title, r.budget_minor, r.depends_on) for r in rows]


def _plan_state(caller: str | None, problem_id: int, editing: str = "content") -> ProblemPlanState:
    state: ProblemPlanState = state_for(ProblemPlanState, token=caller, path=f"/problems/{problem_id}")
    state.editing_key = state.refining_key = editing
    return state


def _unchanged_after(handler: str, *args: object, editing: str = "content"):  # type: ignore[no-untyped-def]
    def case(caller: str | None, db: Session) -> None:
        problem_id = _victims_problem()
        before = _plan(db, problem_id)
        state = _plan_state(caller, problem_id, editing)
        call(state, handler, *args)
        assert _plan(db, problem_id) == before
        assert not state.found and state.problem.title == ""
        problem = db.get(Problem, problem_id)
        assert problem is not None and problem.planning == "idle" and problem.status == "planned"

    return case


def _submit(caller: str | None, db: Session) -> None:
    """A signed-in member submits their own problem (that is the point of the page), but never tied to someone
    else's task."""
    task_id, _ = victims_task()
    path = f"/problems/new?task={task_id}" if caller else "/problems/new"
    state: NewProblemState = state_for(NewProblemState, token=caller, path=path)
    call(state, "submit", form())
    assert state.errors
    assert db.exec(select(func.count()).select_from(Problem)).one() == 0
    assert db.exec(select(func.count()).select_from(RoutingDecision)).one() == 0


def _load_new_problem(caller: str | None, db: Session) -> None:
    task_id, _ = victims_task()
    state: NewProblemState = state_for(NewProblemState, token=caller, path=f"/problems/new?task={task_id}")
    call(state, "load_new_problem")
    assert state.prefill_outcome == "" and state.prefill_deadline == ""


def _load_problems(caller: str | None, db: Session) -> None:
    _victims_problem()
    state: ProblemsState = state_for(ProblemsState, token=caller, path="/problems")
    call(state, "load_problems")
    assert state.rows == [] and (state.refusal or state.total == 0)


def _go_to_page(caller: str | None, db: Session) -> None:
    _victims_problem()
    state: ProblemsState = state_for(ProblemsState, token=caller, path="/problems")
    call(state, "go_to_page", 1)
    assert state.rows == []


def _load_problem(caller: str | None, db: Session) -> None:
    problem_id = _victims_problem()
    state = _plan_state(caller, problem_id)
    call(state, "load_problem")
    assert not state.found and state.problem.tasks == []


TASK = {
    "title": "Hijacked",
    "description": "",
    "skills": "",
    "criteria": "x",
    "evidence_kind": "link",
    "evidence_description": "a link",
    "evidence_threshold": "",
    "route": "internal",
    "duration_days": "3",
}

GUARDED = {
    "NewProblemState.load_new_problem": _load_new_problem,
    "NewProblemState.submit": _submit,
    "ProblemsState.load_problems": _load_problems,
    "ProblemsState.go_to_page": _go_to_page,
    "ProblemPlanState.load_problem": _load_problem,
    "ProblemPlanState.make_plan": _unchanged_after("make_plan"),
    "ProblemPlanState.refine_plan": _unchanged_after("refine_plan", {"instruction": "split the budget evenly"}),
    "ProblemPlanState.refine_task": _unchanged_after("refine_task", {"task_instruction": "make it smaller"}),
    "ProblemPlanState.save_task": _unchanged_after("save_task", TASK),
    "ProblemPlanState.remove_task": _unchanged_after("remove_task", "ads"),
    "ProblemPlanState.move_task": _unchanged_after("move_task", "ads", "up"),
    "ProblemPlanState.toggle_need": _unchanged_after("toggle_need", "ads", "content"),
    "ProblemPlanState.set_share": _unchanged_after("set_share", {"share": "1"}),
    "ProblemPlanState.resplit": _unchanged_after("resplit", "even"),
    "ProblemPlanState.apply_cut": _unchanged_after("apply_cut", 0),
}
