"""Moderation: members' reports of content, the strikes administrators give, and a suspended member's appeal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class Report(SQLModel, table=True):
    """A member's flag on a listing, profile, review or message. `author_id` is whose content it is, found when
    the report is made. status: open | actioned (hidden, warned or suspended) | dismissed."""

    __table_args__ = (
        UniqueConstraint("reporter_id", "subject_kind", "subject_id", name="uq_report_once"),
        Index("ix_report_status_created", "status", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    reporter_id: int = Field(foreign_key="user.id", index=True)
    subject_kind: str = Field(max_length=16)  # listing | profile | review | message
    subject_id: int  # the listing, review or message id; for a profile, the member's user id
    author_id: int = Field(foreign_key="user.id", index=True)
    reason_code: str = Field(max_length=32)
    details: str = Field(default="", sa_type=Text)
    status: str = Field(default="open", max_length=16)
    resolution: str = Field(default="", max_length=16)  # hidden | restored | dismissed | warned | suspended
    resolution_note: str = Field(default="", sa_type=Text)
    resolved_by: int | None = Field(default=None, foreign_key="user.id")
    resolved_at: datetime | None = ts(nullable=True)
    created_at: datetime = ts()


class Strike(SQLModel, table=True):
    """A warning or a suspension an administrator gave a member, with the reason the member reads."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=16)  # warning | suspension
    reason: str = Field(sa_type=Text)
    report_id: int | None = Field(default=None, foreign_key="report.id")
    given_by: int = Field(foreign_key="user.id")
    lifted_at: datetime | None = ts(nullable=True)  # a suspension ended by reinstatement or an upheld appeal
    created_at: datetime = ts()


class Appeal(SQLModel, table=True):
    """A suspended member's one appeal against a suspension, and the administrator's answer.
    status: open | granted (reinstated) | refused."""

    __table_args__ = (UniqueConstraint("strike_id", name="uq_appeal_once"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    strike_id: int = Field(foreign_key="strike.id")
    body: str = Field(sa_type=Text)
    status: str = Field(default="open", max_length=16, index=True)
    answer: str = Field(default="", sa_type=Text)
    answered_by: int | None = Field(default=None, foreign_key="user.id")
    answered_at: datetime | None = ts(nullable=True)
    created_at: datetime = ts()
