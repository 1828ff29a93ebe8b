"""Problems and the micro-tasks of their plans.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 18:22:48.085768
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op
from jtbd_app.models.base import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("budget_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("constraints", sa.Text(), nullable=False),
        sa.Column("success_measure", sa.Text(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("plan_start", sa.Date(), nullable=True),
        sa.Column("decomposer", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("plan_notes", sa.Text(), nullable=False),
        sa.Column("planning", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("planning_since", UTCDateTime(timezone=True), nullable=True),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problem_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_problem_owner_status", ["owner_id", "status"], unique=False)

    op.create_table(
        "microtask",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("skills_text", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("budget_minor", sa.Integer(), nullable=False),
        sa.Column("estimate_minor", sa.Integer(), nullable=False),
        sa.Column("due_in_days", sa.Integer(), nullable=False),
        sa.Column("duration_days", sa.Integer(), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("evidence_kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("evidence_description", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("evidence_threshold", sa.Integer(), nullable=True),
        sa.Column("depends_on", sqlmodel.sql.sqltypes.AutoString(length=700), nullable=False),
        sa.Column("route", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("optional", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract.id"],
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listing.id"],
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problem.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("problem_id", "key", name="uq_microtask_problem_key"),
    )
    with op.batch_alter_table("microtask", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_microtask_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_microtask_listing_id"), ["listing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_microtask_problem_id"), ["problem_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("microtask", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_microtask_problem_id"))
        batch_op.drop_index(batch_op.f("ix_microtask_listing_id"))
        batch_op.drop_index(batch_op.f("ix_microtask_contract_id"))

    op.drop_table("microtask")
    with op.batch_alter_table("problem", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_owner_status")
        batch_op.drop_index(batch_op.f("ix_problem_owner_id"))

    op.drop_table("problem")
