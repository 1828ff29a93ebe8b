"""Problems at each step, arranged through the real services: submitted, then planned with a known plan."""

from __future__ import annotations

from datetime import timedelta

from jtbd_app.db import session_scope
from jtbd_app.domain.plans import Brief, Evidence, Plan, PlanTask, repair
from jtbd_app.models import User
from jtbd_app.services.problems import planning, problems
from tests.support.viewers import viewer_of

LINK = Evidence(kind="link", description="A link to the published work")


def form(**overrides: str) -> dict[str, str]:
    """A valid problem form: $3,000 and 60 days for 10K visitors."""
    deadline = (problems.today() + timedelta(days=60)).isoformat()
    values = {
        "outcome": "Get 10K legit website visitors to my bakery's site in 60 days",
        "budget": "3000",
        "currency": "USD",
        "deadline": deadline,
        "constraints": "",
        "success_measure": "",
        "location": "",
    }
    return {**values, **overrides}


def task(key: str, title: str, *, estimate: int, days: int, needs: tuple[str, ...] = (), **more: object) -> PlanTask:
    return PlanTask(
        key=key,
        title=title,
        criteria=[f"{title} is done as described"],
        evidence=LINK,
        estimate_minor=estimate,
        duration_days=days,
        depends_on=list(needs),
        **more,  # type: ignore[arg-type]
    )


THREE_TASKS = [
    task("audit", "Audit the site", estimate=50_000, days=5),
    task("content", "Write ten articles", estimate=150_000, days=20, needs=("audit",)),
    task("ads", "Run a search ad test", estimate=100_000, days=15, needs=("audit",), optional=True),
]


def submitted_problem(owner: User, **overrides: str) -> int:
    with session_scope() as session:
        return problems.submit_problem(session, viewer=viewer_of(owner), values=form(**overrides))


def planned_problem(owner: User, tasks: list[PlanTask] | None = None, **overrides: str) -> int:
    """A problem whose plan is `tasks` (three by default), repaired as a decomposer's would be."""
    problem_id = submitted_problem(owner, **overrides)
    viewer = viewer_of(owner)
    with session_scope() as session:
        _, brief, _ = planning.begin_planning(session, viewer=viewer, problem_id=problem_id)
    plan = repair(Plan(decomposer="offline", tasks=list(tasks or THREE_TASKS)), brief)
    with session_scope() as session:
        planning.save_plan(session, viewer=viewer, problem_id=problem_id, plan=plan)
    return problem_id


def brief_for(budget_minor: int = 300_000, days: int = 60, text: str = "Get 10K visitors") -> Brief:
    return Brief(text=text, budget_minor=budget_minor, currency="USD", deadline_days=days)
