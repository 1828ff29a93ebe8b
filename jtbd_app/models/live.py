"""Change stamps: one version number per topic ("contract:42", "user:7"), bumped whenever what a page shows of it
changes, so that an open page can ask "did anything move?" with one indexed read."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts

TOPIC_MAX = 80


class ChangeStamp(SQLModel, table=True):
    """A topic's version: it holds no data, only that something about the topic changed (and when)."""

    topic: str = Field(primary_key=True, max_length=TOPIC_MAX)
    version: int = 0
    changed_at: datetime = ts()
