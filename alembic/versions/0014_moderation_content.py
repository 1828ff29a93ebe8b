"""Moderated content: when a message, a review or a profile was hidden by the moderators, and the state a hidden
listing returns to when it is restored.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op
from jtbd_app.models.base import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
HIDDEN_AT = ("message", "review", "profile")


def upgrade() -> None:
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_from", S(length=16), nullable=False, server_default=""))
    for table in HIDDEN_AT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("hidden_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in HIDDEN_AT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("hidden_at")
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.drop_column("hidden_from")
