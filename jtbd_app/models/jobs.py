"""Work the platform must do later (auto-release, reminders, expiry), kept in the database to survive restarts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class ScheduledJob(SQLModel, table=True):
    __table_args__ = (Index("ix_scheduledjob_due", "status", "run_at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)  # "auto_release:contract:42:delivery:2": scheduled once
    kind: str = Field(max_length=32)
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    run_at: datetime = ts()
    status: str = Field(default="pending", max_length=12)  # pending | done | cancelled | failed
    attempts: int = Field(default=0)
    claimed_until: datetime | None = ts(nullable=True)  # a worker holds it until then
    last_error: str = Field(default="", sa_type=Text)
    created_at: datetime = ts()
    finished_at: datetime | None = ts(nullable=True)
