"""Tasks and the Delegate menu: a member's to-do items, where each was routed, the outside partners we send people
to, and what we know of how those partners did."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class TodoTask(SQLModel, table=True):
    """One item of a member's to-do list. `kind` is what the Delegate menu last classified it as (product, digital,
    local, problem); where it went is its latest RoutingDecision."""

    __table_args__ = (Index("ix_todotask_owner_done", "owner_id", "done", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    title: str = Field(max_length=200)
    notes: str = Field(default="", sa_type=Text)
    due_on: date | None = Field(default=None)
    done: bool = Field(default=False)
    done_at: datetime | None = ts(nullable=True)
    kind: str = Field(default="", max_length=8)  # "" until delegated | product | digital | local | problem
    # A deleted task leaves the list and loses its words, but its routing decisions stay (its partner's scorecard
    # counts their outcomes).
    deleted_at: datetime | None = ts(nullable=True)
    created_at: datetime = ts()
    updated_at: datetime = ts()


class RoutingDecision(SQLModel, table=True):
    """What the member chose in the Delegate menu for a task; the latest one is where the task went.

    `route`: buy (a product partner) | outside (an outside pro) | internal (posted here) | problem (planned as a
    problem) | self (do it myself). `partner_key` names the partner of a buy or outside route; `listing_id` and
    `problem_id` the internal listing or problem it became; `external_ref`/`external_url` a post created at the
    partner through its API. An outside route's outcome is reported by the member: `outcome` done | not_done, a
    rating 1-5 and a comment; each decision is counted once in its partner's scorecard.
    """

    __table_args__ = (
        Index("ix_routingdecision_task", "task_id", "id"),
        Index("ix_routingdecision_partner_reported", "partner_key", "reported_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="todotask.id")
    owner_id: int = Field(foreign_key="user.id", index=True)
    route: str = Field(max_length=10)
    partner_key: str = Field(default="", max_length=24)
    listing_id: int | None = Field(default=None, foreign_key="listing.id", index=True)
    problem_id: int | None = Field(default=None, foreign_key="problem.id", index=True)
    external_ref: str = Field(default="", max_length=120)
    external_url: str = Field(default="", max_length=600)
    created_at: datetime = ts()
    outcome: str = Field(default="", max_length=10)  # "" | done | not_done
    rating: int | None = Field(default=None)
    comment: str = Field(default="", sa_type=Text)
    reported_at: datetime | None = ts(nullable=True)


class RouteOffer(SQLModel, table=True):
    """A link the menu showed: the click route `/go/{token}` counts the click and sends the browser to `url`, but
    only when its host is one of its partner's. The token is random and names nothing else."""

    token: str = Field(primary_key=True, max_length=43)
    task_id: int = Field(foreign_key="todotask.id", index=True)
    partner_key: str = Field(max_length=24)
    url: str = Field(max_length=2000)
    created_at: datetime = ts()
    clicked_at: datetime | None = ts(nullable=True)


class Partner(SQLModel, table=True):
    """An outside partner as the deployment knows it: its link templates and affiliate parameters (which admins may
    edit; the adapter's defaults otherwise), and whether it is offered. The code that talks to it is its adapter,
    found in the registry by `key`.

    `status`: active | suspended; `suspended_by`: admin | rule.
    """

    key: str = Field(primary_key=True, max_length=24)
    name: str = Field(max_length=60)
    kind: str = Field(max_length=8)  # product | digital | local
    categories: str = Field(default="", max_length=400)  # comma-separated
    link_template: str = Field(default="", max_length=600)
    affiliate_params: str = Field(default="", max_length=300)  # a query string: tag=jtbd-20
    status: str = Field(default="active", max_length=10)
    suspended_by: str = Field(default="", max_length=8)
    suspended_reason: str = Field(default="", sa_type=Text)
    suspended_at: datetime | None = ts(nullable=True)
    created_at: datetime = ts()
    updated_at: datetime = ts()


class PartnerDaily(SQLModel, table=True):
    """How often a partner was offered in a menu and clicked, per day (for the scorecard and its trend)."""

    partner_key: str = Field(primary_key=True, max_length=24)
    day: date = Field(primary_key=True)
    offered: int = Field(default=0)
    clicks: int = Field(default=0)
