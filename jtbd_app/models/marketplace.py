"""The internal marketplace: listings (drafts included), their skills, questions, bids, invitations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class Listing(SQLModel, table=True):
    """A task posted by a client. A draft has only what the wizard has collected so far."""

    __table_args__ = (
        Index("ix_listing_status_published", "status", "published_at"),
        Index("ix_listing_status_budget", "status", "budget_minor"),
        Index("ix_listing_status_deadline", "status", "deadline"),
    )
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    status: str = Field(default="draft", max_length=16)  # draft | open | closed | cancelled | hidden
    title: str = Field(default="", max_length=120)
    description: str = Field(default="", sa_type=Text)
    category: str = Field(default="", max_length=40, index=True)
    skills_text: str = Field(default="", max_length=1000)  # skill names, comma-separated, for search and cards
    budget_minor: int | None = Field(default=None)
    currency: str = Field(default="USD", max_length=3)
    deadline: date | None = Field(default=None)
    remote: bool = Field(default=True)
    location: str = Field(default="", max_length=120, index=True)
    wizard_step: int = Field(default=1)  # the step a draft resumes at
    source: str = Field(default="wizard", max_length=16)  # wizard | delegate | problem: who pre-filled it
    problem_id: int | None = Field(default=None, index=True)  # set when a problem's plan published it
    micro_task_id: int | None = Field(default=None, index=True)
    bid_count: int = Field(default=0)  # pending and shortlisted bids, kept by the bid service
    created_at: datetime = ts()
    updated_at: datetime = ts()
    published_at: datetime | None = ts(nullable=True)
    closed_at: datetime | None = ts(nullable=True)
    # while hidden by the moderators: the state it returns to when restored (open, closed, cancelled)
    hidden_from: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})


class ListingSkill(SQLModel, table=True):
    listing_id: int = Field(foreign_key="listing.id", primary_key=True)
    skill_id: int = Field(foreign_key="skill.id", primary_key=True, index=True)
    position: int = Field(default=0)


class Question(SQLModel, table=True):
    """A public question on a listing, answered by its owner."""

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    asker_id: int = Field(foreign_key="user.id", index=True)
    body: str = Field(sa_type=Text)
    answer: str = Field(default="", sa_type=Text)
    created_at: datetime = ts()
    answered_at: datetime | None = ts(nullable=True)


class Bid(SQLModel, table=True):
    """One bid per bidder per listing; a withdrawn bid can be placed again (the same row comes back)."""

    __table_args__ = (UniqueConstraint("listing_id", "bidder_id"),)
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    bidder_id: int = Field(foreign_key="user.id", index=True)
    status: str = Field(default="pending", max_length=16)  # pending | accepted | rejected | withdrawn
    shortlisted: bool = Field(default=False)
    amount_minor: int
    currency: str = Field(max_length=3)
    message: str = Field(default="", sa_type=Text)
    delivery_days: int
    created_at: datetime = ts()
    updated_at: datetime = ts()
    decided_at: datetime | None = ts(nullable=True)


class Invitation(SQLModel, table=True):
    """A client asks a contractor to bid on one of their open listings."""

    __table_args__ = (UniqueConstraint("listing_id", "contractor_id"),)
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    client_id: int = Field(foreign_key="user.id")
    contractor_id: int = Field(foreign_key="user.id", index=True)
    message: str = Field(default="", sa_type=Text)
    created_at: datetime = ts()
