"""A delivery on a micro-task checked against its acceptance criteria: one row per item, method and delivery."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class CriterionCheck(SQLModel, table=True):
    """What one method found for one item of a delivery's checklist.

    Position 0 is the task's evidence ("A link to the published work"), positions 1.. its criteria, one per line.
    `method`: automatic (the evidence checks), model (an AI reviewer), client (the client's decision, which wins).
    `criterion` keeps the item's text as it read when checked, so a later edit of the plan never rewrites history.
    """

    __table_args__ = (
        UniqueConstraint("delivery_id", "position", "method", name="uq_criterioncheck_delivery_position_method"),
        Index("ix_criterioncheck_contract_delivery", "contract_id", "delivery_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    position: int
    criterion: str = Field(sa_type=Text)
    method: str = Field(max_length=10)  # automatic | model | client
    outcome: str = Field(max_length=8)  # passed | failed | unknown
    reason: str = Field(default="", sa_type=Text)
    created_at: datetime = ts()
