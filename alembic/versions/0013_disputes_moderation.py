"""Trust and safety: dispute cases with their entries and files; reports, strikes and appeals; a freeze decision
may be made by the parties themselves (a settlement), so it has no administrator then.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 01:17:18
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op
from jtbd_app.models.base import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", S(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("reason_code", S(length=32), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("status", S(length=16), nullable=False),
        sa.Column("resolution", S(length=16), nullable=False),
        sa.Column("resolution_note", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reporter_id", "subject_kind", "subject_id", name="uq_report_once"),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_reporter_id"), ["reporter_id"], unique=False)
        batch_op.create_index("ix_report_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "strike",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", S(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("given_by", sa.Integer(), nullable=False),
        sa.Column("lifted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["given_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("strike", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strike_user_id"), ["user_id"], unique=False)

    op.create_table(
        "appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("strike_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", S(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["strike_id"],
            ["strike.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("strike_id", name="uq_appeal_once"),
    )
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeal_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeal_user_id"), ["user_id"], unique=False)

    op.create_table(
        "disputecase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("reason_code", S(length=32), nullable=False),
        sa.Column("reason_text", sa.Text(), nullable=False),
        sa.Column("outcome_wanted", S(length=16), nullable=False),
        sa.Column("wanted_refund_minor", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("currency", S(length=3), nullable=False),
        sa.Column("status", S(length=20), nullable=False),
        sa.Column("respond_by", UTCDateTime(timezone=True), nullable=False),
        sa.Column("evidence_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("responded_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("review_since", UTCDateTime(timezone=True), nullable=True),
        sa.Column("offer_by", sa.Integer(), nullable=True),
        sa.Column("offer_contractor_minor", sa.Integer(), nullable=True),
        sa.Column("outcome", S(length=16), nullable=False),
        sa.Column("contractor_minor", sa.Integer(), nullable=True),
        sa.Column("client_minor", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("opened_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor >= 0", name="ck_disputecase_amount"),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["offer_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contract_id"),
    )
    with op.batch_alter_table("disputecase", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disputecase_opened_by"), ["opened_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputecase_respondent_id"), ["respondent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputecase_status"), ["status"], unique=False)
        batch_op.create_index("ix_disputecase_status_opened", ["status", "opened_at"], unique=False)

    op.create_table(
        "disputeentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", S(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["disputecase.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("disputeentry", schema=None) as batch_op:
        batch_op.create_index("ix_disputeentry_case_created", ["case_id", "created_at"], unique=False)

    op.create_table(
        "disputefile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("filename", S(length=200), nullable=False),
        sa.Column("content_type", S(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", S(length=64), nullable=False),
        sa.Column("storage_key", S(length=80), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["disputecase.id"],
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["disputeentry.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("storage_key"),
    )
    with op.batch_alter_table("disputefile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disputefile_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputefile_entry_id"), ["entry_id"], unique=False)

    with op.batch_alter_table("freezedecision", schema=None) as batch_op:
        batch_op.alter_column("admin_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("freezedecision", schema=None) as batch_op:
        batch_op.alter_column("admin_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("disputefile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disputefile_entry_id"))
        batch_op.drop_index(batch_op.f("ix_disputefile_case_id"))

    op.drop_table("disputefile")
    with op.batch_alter_table("disputeentry", schema=None) as batch_op:
        batch_op.drop_index("ix_disputeentry_case_created")

    op.drop_table("disputeentry")
    with op.batch_alter_table("disputecase", schema=None) as batch_op:
        batch_op.drop_index("ix_disputecase_status_opened")
        batch_op.drop_index(batch_op.f("ix_disputecase_status"))
        batch_op.drop_index(batch_op.f("ix_disputecase_respondent_id"))
        batch_op.drop_index(batch_op.f("ix_disputecase_opened_by"))

    op.drop_table("disputecase")
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeal_user_id"))
        batch_op.drop_index(batch_op.f("ix_appeal_status"))

    op.drop_table("appeal")
    with op.batch_alter_table("strike", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strike_user_id"))

    op.drop_table("strike")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index("ix_report_status_created")
        batch_op.drop_index(batch_op.f("ix_report_reporter_id"))
        batch_op.drop_index(batch_op.f("ix_report_author_id"))

    op.drop_table("report")
