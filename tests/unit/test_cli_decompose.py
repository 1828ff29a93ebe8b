"""`python -m jtbd_app.cli decompose`: the plan as JSON or a table for operators and scripts; bad arguments exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import pytest

from jtbd_app import cli
from jtbd_app.config import PROJECT_ROOT
from jtbd_app.domain.plans import Brief, Evidence, Plan, PlanTask
from jtbd_app.services.ports import DecomposerFailed

BAKERY = "Get 10K legit website visitors to my bakery's site in 60 days"
TASK_FIELDS = {"key", "title", "description", "skills", "budget_minor", "due_in_days", "criteria", "evidence",
               "depends_on", "route"}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["decompose", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_plan_has_the_shared_shape_with_shares_summing_to_the_budget(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json", "--budget", "3000", "--currency", "USD", "--days", "60", BAKERY)
    plan = json.loads(out)
    assert code == 0 and plan["decomposer"] == "offline"
    assert all(set(task) >= TASK_FIELDS for task in plan["tasks"])
    assert sum(task["budget_minor"] for task in plan["tasks"]) == 300_000
    assert all(isinstance(task["budget_minor"], int) for task in plan["tasks"])
    assert {"fits", "cost_fits", "time_fits", "summary", "cuts"} <= set(plan["feasibility"])


def test_json_due_days_count_from_today_within_the_deadline(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--json", "--budget", "3000", "--days", "60", BAKERY)
    tasks = json.loads(out)["tasks"]
    assert max(t["due_in_days"] for t in tasks) == 60
    first = tasks[0]
    assert first["due_on"] == (date.today() + timedelta(days=first["due_in_days"])).isoformat()
    measure = next(t for t in tasks if t["evidence"]["threshold"] is not None)
    assert measure["evidence"] == {"kind": "number", "description": measure["evidence"]["description"],
                                   "threshold": 10_000}  # fmt: skip


def test_without_json_a_readable_table_with_the_total_and_the_feasibility(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--budget", "3000", "--days", "60", BAKERY)
    assert code == 0
    assert "Report website visitors to the bakery's site" in out
    assert "$3,000.00" in out and out.count("Hire here") >= 5
    assert "Fits: estimated $2,650.00" in out


def test_a_currency_without_cents_is_split_in_whole_units(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--json", "--budget", "300000", "--currency", "jpy", "--days", "30", BAKERY)
    assert sum(t["budget_minor"] for t in json.loads(out)["tasks"]) == 300_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--budget", "-5", "--days", "30", BAKERY], "cannot be negative"),
        (["--budget", "20000000", "--days", "30", BAKERY], "too large"),
        (["--budget", "1e99", "--days", "30", BAKERY], "too large"),
        (["--budget", "abc", "--days", "30", BAKERY], "Enter a number"),
        (["--budget", "9.99", "--days", "30", BAKERY], "too small to split"),
        (["--budget", "300", "--currency", "XYZ", "--days", "30", BAKERY], "Unknown currency"),
        (["--budget", "300", "--days", "0", BAKERY], "1 to 730"),
        (["--budget", "300", "--days", "731", BAKERY], "1 to 730"),
        (["--budget", "300", "--days", "30"], "Describe the problem"),
        (["--budget", "300", "--days", "30", "  "], "Describe the problem"),
        (["--budget", "300", "--days", "30", "<script>alert(1)</script> visitors"], "cannot contain HTML"),
        (["--budget", "300", "--days", "30", "--location", "<b>x</b>", BAKERY], "cannot contain HTML"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and message in err


def test_a_missing_budget_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["decompose", "--days", "30", BAKERY])
    assert exited.value.code == 2 and "--budget" in capsys.readouterr().err


def test_the_command_runs_as_a_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jtbd_app.cli", "decompose", "--json", "--budget", "3000", "--currency", "USD",
         "--days", "60", BAKERY],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sum(t["budget_minor"] for t in json.loads(done.stdout)["tasks"]) == 300_000


class ScriptedDecomposer:
    """A stand-in for a model server behind the Decomposer port: answers with a plan or fails."""

    name = "scripted"

    def __init__(self, plan: Plan | None) -> None:
        self.plan = plan

    async def decompose(
        self,
        brief: Brief,
        *,
        instruction: str = "",
        current: list[PlanTask] | None = None,
        on_task: Callable[[PlanTask], Awaitable[None]] | None = None,
    ) -> Plan:
        if self.plan is None:
            raise DecomposerFailed("The model server timed out.")
        return self.plan


def brief() -> Brief:
    return Brief(text=BAKERY, budget_minor=300_000, currency="USD", deadline_days=60)


def test_a_model_plan_with_a_wrong_sum_is_repaired() -> None:
    task = PlanTask(key="do", title="Do the work", criteria=["Done"], evidence=Evidence(kind="file", description="The file"),
                    budget_minor=999)  # fmt: skip
    plan = cli.plan_for(brief(), ScriptedDecomposer(Plan(decomposer="openai", tasks=[task])))
    assert plan.decomposer == "openai" and plan.tasks[0].budget_minor == 300_000


def test_a_failing_model_falls_back_to_the_offline_plan_and_says_why() -> None:
    plan = cli.plan_for(brief(), ScriptedDecomposer(None))
    assert plan.decomposer == "offline" and "timed out" in plan.notes[0]
    assert sum(t.budget_minor for t in plan.tasks) == 300_000
