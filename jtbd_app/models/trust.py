"""Disputes a party opens on a contract: the case, its statements and evidence, and its files.

A card dispute reported by the payment gateway is `payments.Dispute`; this is the marketplace's own process, which
freezes the contract's escrow until the parties settle or an administrator decides (a `FreezeDecision`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Text
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class DisputeCase(SQLModel, table=True):
    """One contract's dispute: who opened it and why, what they want, its deadlines, and how it ended.

    status: open (both add evidence) | awaiting_response (the other party's window) | under_review (an administrator
    decides) | settled (the parties agreed a split) | resolved (an administrator decided). Amounts are what the
    contractor gets of `amount_minor` (the escrow held when it opened); the rest goes back to the client.
    """

    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="ck_disputecase_amount"),
        Index("ix_disputecase_status_opened", "status", "opened_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", unique=True)
    opened_by: int = Field(foreign_key="user.id", index=True)
    respondent_id: int = Field(foreign_key="user.id", index=True)
    reason_code: str = Field(max_length=32)
    reason_text: str = Field(default="", sa_type=Text)
    outcome_wanted: str = Field(max_length=16)  # full_refund | partial_refund | release
    wanted_refund_minor: int = Field(default=0)  # for a partial refund: how much back to the client
    amount_minor: int  # in dispute: what the escrow held when the case opened
    currency: str = Field(max_length=3)
    status: str = Field(default="awaiting_response", max_length=20, index=True)
    respond_by: datetime = ts()  # the end of the other party's response window
    evidence_until: datetime | None = ts(nullable=True)  # after a response: when the case goes to review by itself
    responded_at: datetime | None = ts(nullable=True)
    review_since: datetime | None = ts(nullable=True)
    # a settlement offer waiting for the other party: what the contractor would get
    offer_by: int | None = Field(default=None, foreign_key="user.id")
    offer_contractor_minor: int | None = Field(default=None)
    # how it ended
    outcome: str = Field(default="", max_length=16)  # release | refund | split (decided or settled)
    contractor_minor: int | None = Field(default=None)
    client_minor: int | None = Field(default=None)
    decided_by: int | None = Field(default=None, foreign_key="user.id")  # None for a settlement
    decision_reason: str = Field(default="", sa_type=Text)
    closed_at: datetime | None = ts(nullable=True)
    opened_at: datetime = ts()
    updated_at: datetime = ts()


class DisputeEntry(SQLModel, table=True):
    """A statement or a piece of evidence by a party (or a note by an administrator); both parties read every entry."""

    __table_args__ = (Index("ix_disputeentry_case_created", "case_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="disputecase.id")
    author_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=16)  # statement | evidence | response | admin_note
    body: str = Field(default="", sa_type=Text)
    links: str = Field(default="", sa_type=Text)  # newline-separated http(s) links
    created_at: datetime = ts()


class DisputeFile(SQLModel, table=True):
    """A file of a dispute entry, stored privately under a random key, served only to the parties and admins."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="disputeentry.id", index=True)
    case_id: int = Field(foreign_key="disputecase.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=80, unique=True)
    created_at: datetime = ts()
