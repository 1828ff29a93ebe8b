"""A problem planned by an AI planner in the browser: a second app with OPENAI_API_KEY set, talking to a local
OpenAI-compatible server the tests script (tests/support/openai_server.py). The owner watches the model's tasks appear
while it still writes, sees a broken model plan repaired with notes, and still gets a plan (from the offline
playbooks, saying so) when the model fails."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.app_server import AppServer, own_app
from tests.support.browser import sign_up_new_member
from tests.support.openai_server import LocalOpenAI, Reply

OUTCOME = "Get 10K legit website visitors to my bakery's site in 60 days"
MODEL = "local-test-model"
BUDGET_MINOR = 300_000
MAKING = "Making your plan"


@pytest.fixture(scope="module")
def planner_app(tmp_path_factory: pytest.TempPathFactory, openai_server_for_module: LocalOpenAI) -> Iterator[AppServer]:
    """A second app whose planner is the local chat server (one try per plan, so a failure falls back at once)."""
    with own_app(
        workdir=tmp_path_factory.mktemp("planner-app"),
        extra_env={
            "OPENAI_API_KEY": openai_server_for_module.api_key,
            "OPENAI_BASE_URL": openai_server_for_module.url,
            "OPENAI_MODEL": MODEL,
            "OPENAI_TIMEOUT": "20",
            "OPENAI_MAX_RETRIES": "0",
        },
    ) as server:
        yield server


def task(key: str, title: str, budget: float, days: int, needs: list[str], **fields: Any) -> dict[str, Any]:
    """A task as a model writes it on the wire (money in major units)."""
    return {
        "key": key,
        "title": title,
        "description": f"{title}, for the bakery's own website.",
        "skills": ["seo"],
        "estimate": budget,
        "budget": budget,
        "duration_days": days,
        "due_in_days": days,
        "depends_on": needs,
        "criteria": [f"{title} is done and checked by the owner"],
        "evidence": {"kind": "link", "description": "A link to the result", "threshold": 0},
        "route": "internal",
        "optional": False,
        **fields,
    }


GOOD_PLAN = [
    task("seo-audit", "SEO audit of the bakery site", 400.50, 7, []),
    task("bakery-posts", "Write 12 posts about the bakery's bread", 1200, 30, ["seo-audit"]),
    task(
        "sessions-report",
        "Report 10,000 sessions from Google Analytics",
        1399.50,
        20,
        ["bakery-posts"],
        evidence={"kind": "number", "description": "Sessions in Google Analytics", "threshold": 10000},
    ),
]


def in_days(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def submit_problem(page: Page, app: AppServer) -> None:
    """A new member describes the bakery problem ($3,000.00, 60 days) and lands on its plan page."""
    sign_up_new_member(page, app.url, "baker", "Bea Baker")
    page.goto(f"{app.url}/problems/new")
    page.get_by_label("What outcome do you want?").fill(OUTCOME)
    page.get_by_label("Budget").fill("3000")
    page.get_by_label("Deadline").fill(in_days(60))
    page.get_by_role("button", name="Make a plan").click()
    page.wait_for_url(re.compile(r"/problems/\d+/?$"))


def shares_minor(tasks: Locator) -> int:
    return sum(int(re.sub(r"[^\d]", "", text)) for text in tasks.locator("[data-share]").all_inner_texts())


def expect_titles(tasks: Locator, titles: list[str]) -> None:
    expect(tasks.get_by_role("heading", level=3)).to_have_text(titles)


def assert_the_model_was_asked_about_the_problem(server: LocalOpenAI) -> None:
    assert server.requests, "the app never called the AI planner"
    request = server.requests[0]
    assert request.headers.get("Authorization") == f"Bearer {server.api_key}"
    assert request.body["model"] == MODEL
    assert OUTCOME in request.prompt
    assert "3000.00 USD" in request.prompt and "60 days" in request.prompt


def test_the_models_tasks_appear_while_it_is_still_writing_then_its_plan_is_saved(
    planner_app: AppServer, openai_server: LocalOpenAI, page: Page
) -> None:
    text = json.dumps({"tasks": GOOD_PLAN})
    first_task_ends = text.index("}, {") + 1
    openai_server.reply(Reply(text=text, pause_at=first_task_ends))  # held there until the test releases it

    submit_problem(page, planner_app)

    progress = page.get_by_role("status").filter(has_text=MAKING)
    expect(progress).to_contain_text("SEO audit of the bakery site", timeout=15_000)  # the page loads, then plans
    expect(progress).to_contain_text("1 task so far")
    expect(progress).not_to_contain_text("Write 12 posts")
    assert openai_server.released_in_time is None, "the server had already stopped holding the rest of the answer"
    openai_server.release()

    tasks = page.get_by_role("region", name="Tasks")
    expect_titles(tasks, [t["title"] for t in GOOD_PLAN])
    expect(progress).to_have_count(0)
    expect(page.get_by_text("Made by the AI planner.")).to_be_visible()
    assert openai_server.released_in_time is True
    assert shares_minor(tasks) == BUDGET_MINOR
    expect(tasks.get_by_role("listitem", name="SEO audit of the bakery site")).to_contain_text("$400.50")
    assert_the_model_was_asked_about_the_problem(openai_server)
    assert openai_server.requests[0].body["stream"] is True


def test_a_model_plan_with_a_wrong_sum_and_a_circle_is_shown_repaired_with_notes(
    planner_app: AppServer, openai_server: LocalOpenAI, page: Page
) -> None:
    broken = [
        task("site-audit", "Audit the bakery site", 500, 10, ["local-listing"]),
        task("local-listing", "Claim the bakery's map listing", 500, 10, ["site-audit"]),
        task("bakery-posts", "Write 12 posts about the bakery's bread", 1500, 30, ["site-audit"]),
    ]  # the shares come to $2,500.00 of $3,000.00; the first two wait for each other
    openai_server.reply(Reply(text=json.dumps({"tasks": broken})))

    submit_problem(page, planner_app)

    tasks = page.get_by_role("region", name="Tasks")
    expect_titles(tasks, [t["title"] for t in broken])
    notes = page.get_by_text("Made by the AI planner. Notes on this plan:").locator("xpath=..")
    expect(notes).to_contain_text("'local-listing' and 'site-audit' depended on each other; the later link was removed")
    expect(notes).to_contain_text("The shares did not add up to the budget; they were scaled to sum to it exactly.")
    assert shares_minor(tasks) == BUDGET_MINOR
    expect(tasks.get_by_role("listitem", name="Write 12 posts about the bakery's bread")).to_contain_text("$1,800.00")
    assert_the_model_was_asked_about_the_problem(openai_server)


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        (Reply(status=500), "The AI planner's server failed (HTTP 500)"),
        (Reply(text='Sure! Here is your plan: {"tasks": [{"key": "a", "title": '), "not valid JSON"),
    ],
    ids=["server-error", "malformed-answer"],
)
def test_when_the_model_fails_the_plan_comes_from_the_offline_playbooks_and_says_so(
    planner_app: AppServer, openai_server: LocalOpenAI, page: Page, reply: Reply, why: str
) -> None:
    openai_server.reply(reply)

    submit_problem(page, planner_app)

    tasks = page.get_by_role("region", name="Tasks")
    expect(tasks).to_contain_text("Set up analytics")
    notes = page.get_by_text("Made by the offline playbooks. Notes on this plan:").locator("xpath=..")
    first_note = notes.get_by_role("listitem").first
    expect(first_note).to_have_text(re.compile(r"^The AI planner could not be used: "))
    expect(first_note).to_contain_text(why)
    expect(first_note).to_contain_text("This plan comes from the offline playbooks instead.")
    assert shares_minor(tasks) == BUDGET_MINOR
    assert_the_model_was_asked_about_the_problem(openai_server)
    assert len(openai_server.requests) == 1  # OPENAI_MAX_RETRIES=0: one try, then the playbooks
