"""Contracts and what happens on them: the agreed document, acceptances, deliveries, files, timeline, reviews."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class Contract(SQLModel, table=True):
    """Created when a bid is accepted; its terms are copied in, so later setting changes never alter a deal.

    Status: awaiting_acceptance -> awaiting_funding -> funded -> delivered <-> revision_requested -> completed,
    or cancelled (agreed, refunded if funded), expired (never funded), disputed (a chargeback froze it).
    A contract of a problem's micro-task (`funding_source` "problem") is funded from the problem's escrow when its bid
    is accepted, starts work once both accept, and gives its escrow back to the problem if it ends unreleased.
    `release_frozen` holds every release and payout of the contract until an administrator decides
    (services/contracts/resolution); `frozen_reason` says why.
    """

    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="ck_contract_amount_positive"),
        CheckConstraint("fee_bps >= 0 AND fee_bps <= 10000", name="ck_contract_fee_bps"),
        CheckConstraint("revisions_used >= 0 AND revisions_used <= max_revisions", name="ck_contract_revisions"),
    )
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    bid_id: int = Field(foreign_key="bid.id", unique=True)
    client_id: int = Field(foreign_key="user.id", index=True)
    contractor_id: int = Field(foreign_key="user.id", index=True)
    status: str = Field(default="awaiting_acceptance", max_length=24, index=True)
    amount_minor: int
    currency: str = Field(max_length=3)
    delivery_days: int
    fee_bps: int = Field(default=1000, sa_column_kwargs={"server_default": "1000"})  # platform fee, basis points
    max_revisions: int = Field(default=2, sa_column_kwargs={"server_default": "2"})
    revisions_used: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    auto_release_days: int = Field(default=7, sa_column_kwargs={"server_default": "7"})
    document_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    gateway: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})  # who holds the money
    cancel_requested_by: int | None = Field(default=None, foreign_key="user.id")
    release_frozen: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})  # held for an administrator
    frozen_reason: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    on_time: bool | None = Field(default=None)
    problem_id: int | None = Field(default=None, index=True)
    micro_task_id: int | None = Field(default=None, index=True)
    # payment: the client pays the contract's escrow; problem: its problem's escrow funds it (and takes it back)
    funding_source: str = Field(default="payment", max_length=8, sa_column_kwargs={"server_default": "payment"})
    created_at: datetime = ts()
    updated_at: datetime = ts()
    funding_expires_at: datetime | None = ts(nullable=True)
    funded_at: datetime | None = ts(nullable=True)
    due_at: datetime | None = ts(nullable=True)
    delivered_at: datetime | None = ts(nullable=True)  # the latest delivery; auto-release counts from it
    revision_due_at: datetime | None = ts(nullable=True)  # the revision asked for last is due then
    completed_at: datetime | None = ts(nullable=True)
    cancelled_at: datetime | None = ts(nullable=True)


class ContractDocument(SQLModel, table=True):
    """The agreement both parties accept, as it read at that version (kept forever)."""

    __table_args__ = (UniqueConstraint("contract_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    version: int
    title: str = Field(max_length=160)
    body: str = Field(sa_type=Text)  # markdown, rendered without raw HTML
    created_at: datetime = ts()


class ContractAcceptance(SQLModel, table=True):
    """One party accepted one version of the document, at this time."""

    __table_args__ = (UniqueConstraint("contract_id", "user_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    version: int
    accepted_at: datetime = ts()


class Delivery(SQLModel, table=True):
    """What the contractor handed in; the client approves it or asks for a revision with a reason."""

    __table_args__ = (UniqueConstraint("contract_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    number: int  # 1, 2, ... per contract
    message: str = Field(sa_type=Text)
    links: str = Field(default="", sa_type=Text)  # newline-separated http(s) links
    # the number a micro-task's evidence asks for ("sessions in Google Analytics"), as the contractor states it
    reported_number: int | None = Field(default=None, sa_type=BigInteger)
    status: str = Field(default="submitted", max_length=20)  # submitted | approved | revision_requested
    response: str = Field(default="", sa_type=Text)  # the client's reason for a revision
    submitted_at: datetime = ts()
    responded_at: datetime | None = ts(nullable=True)


class DeliveryFile(SQLModel, table=True):
    """A file of a delivery, stored privately under a random key and served only to the parties and admins."""

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=80, unique=True)
    created_at: datetime = ts()


class ContractEvent(SQLModel, table=True):
    """The contract's timeline, in words a party understands ("Escrow released: $90.00 to Bob")."""

    __table_args__ = (Index("ix_contractevent_contract_created", "contract_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    actor_id: int | None = Field(default=None, foreign_key="user.id")  # None: the platform itself
    kind: str = Field(max_length=32)
    detail: str = Field(default="", sa_type=Text)
    created_at: datetime = ts()


class Review(SQLModel, table=True):
    """One side's rating of the other after completion; hidden until both are in or the window closes."""

    __table_args__ = (
        UniqueConstraint("contract_id", "author_id"),
        CheckConstraint("rating >= 1 AND rating <= 5", name="ck_review_rating"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    subject_id: int = Field(foreign_key="user.id", index=True)
    rating: int
    body: str = Field(default="", sa_type=Text)
    created_at: datetime = ts()
    published_at: datetime | None = ts(nullable=True)
    hidden_at: datetime | None = ts(nullable=True)  # hidden by the moderators: off the profile, its stars too


class FreezeDecision(SQLModel, table=True):
    """An administrator's decision on a frozen contract, made once: what the contractor gets of what the escrow held
    (the rest goes back to the client), or of a held payout (the rest is recovered for the platform)."""

    contract_id: int = Field(foreign_key="contract.id", primary_key=True)
    admin_id: int | None = Field(default=None, foreign_key="user.id")  # None: the parties settled it themselves
    contractor_minor: int
    client_minor: int  # refunded to the client, or recovered from the contractor's held payout
    note: str = Field(default="", sa_type=Text)
    # deciding (the gateway is being asked) | done | overtaken (a lost card dispute took the whole escrow back to the
    # client first: it was never carried out and never will be)
    status: str = Field(default="deciding", max_length=12)
    decided_at: datetime = ts()
    # What it decides over: "escrow" or "payout" ("" for decisions made before this was recorded: the escrow if it
    # still holds money). Over the escrow, `refund_to_total` is the payment's refunded total once the client's part
    # is back: the gateway's report of that refund may reach us before its answer does, and is booked once.
    over: str = Field(default="", max_length=8)
    refund_to_total: int = 0
