"""Profiles hold a photo's key, and when the member dismissed the first-run checklist.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op
from jtbd_app.models.base import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        batch.add_column(
            sa.Column("photo_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("onboarding_dismissed_at", UTCDateTime(timezone=True), nullable=True))
        batch.create_index("ix_profile_photo_key", ["photo_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        batch.drop_index("ix_profile_photo_key")
        batch.drop_column("onboarding_dismissed_at")
        batch.drop_column("photo_key")
