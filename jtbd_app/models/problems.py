"""Problem-first jobs: a client's problem and the micro-tasks of its plan."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class Problem(SQLModel, table=True):
    """An outcome a client wants, with a budget and a deadline; its plan is its micro-tasks.

    `plan_start` is the day the plan's `due_in_days` count from. `planning` says whether a decomposer is at work
    (so a second request is refused and a reload shows progress); `plan_notes` what the decomposer or the repair
    said, one per line.
    """

    __table_args__ = (Index("ix_problem_owner_status", "owner_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    status: str = Field(
        default="draft", max_length=16
    )  # draft | planned | published | in_progress | completed | cancelled
    title: str = Field(max_length=120)
    outcome: str = Field(sa_type=Text)
    budget_minor: int
    currency: str = Field(default="USD", max_length=3)
    deadline: date
    constraints: str = Field(default="", sa_type=Text)
    success_measure: str = Field(default="", sa_type=Text)
    location: str = Field(default="", max_length=120)
    plan_start: date | None = Field(default=None)
    decomposer: str = Field(default="", max_length=16)  # offline | openai: who made the current plan
    plan_notes: str = Field(default="", sa_type=Text)
    planning: str = Field(default="idle", max_length=12)  # idle | running
    planning_since: datetime | None = ts(nullable=True)
    plan_version: int = Field(default=0)  # bumped on every change of the plan, for pages to notice
    created_at: datetime = ts()
    updated_at: datetime = ts()
    published_at: datetime | None = ts(nullable=True)


class MicroTask(SQLModel, table=True):
    """One step of a problem's plan. `depends_on` holds the keys of the tasks it needs, comma-separated;
    `criteria` one acceptance criterion per line."""

    __table_args__ = (UniqueConstraint("problem_id", "key", name="uq_microtask_problem_key"),)
    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problem.id", index=True)
    key: str = Field(max_length=24)
    position: int = Field(default=0)
    title: str = Field(max_length=120)
    description: str = Field(default="", sa_type=Text)
    skills_text: str = Field(default="", max_length=400)
    budget_minor: int = Field(default=0)
    estimate_minor: int = Field(default=0)
    due_in_days: int = Field(default=1)
    duration_days: int = Field(default=1)
    criteria: str = Field(default="", sa_type=Text)
    evidence_kind: str = Field(default="link", max_length=8)
    evidence_description: str = Field(default="", max_length=300)
    evidence_threshold: int | None = Field(default=None)
    depends_on: str = Field(default="", max_length=700)
    route: str = Field(default="internal", max_length=10)  # internal | external | product | self
    optional: bool = Field(default=False)
    status: str = Field(default="planned", max_length=12)  # planned | open | contracted | delivered | done | cancelled
    listing_id: int | None = Field(default=None, foreign_key="listing.id", index=True)
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
