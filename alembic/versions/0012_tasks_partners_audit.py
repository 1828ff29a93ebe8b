"""Tasks and the Delegate menu: to-do items, routing decisions, partners and their daily counts, the links the menu
showed; the audit log, which the database refuses to edit.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op
from jtbd_app.models.audit import create_audit_guards, drop_audit_guards
from jtbd_app.models.base import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "todotask",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("title", S(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("kind", S(length=8), nullable=False),
        sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_todotask_owner_id", "todotask", ["owner_id"])
    op.create_index("ix_todotask_owner_done", "todotask", ["owner_id", "done", "id"])

    op.create_table(
        "routingdecision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("route", S(length=10), nullable=False),
        sa.Column("partner_key", S(length=24), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.Column("problem_id", sa.Integer(), nullable=True),
        sa.Column("external_ref", S(length=120), nullable=False),
        sa.Column("external_url", S(length=600), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", S(length=10), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reported_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["todotask.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["listing_id"], ["listing.id"]),
        sa.ForeignKeyConstraint(["problem_id"], ["problem.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_routingdecision_task", "routingdecision", ["task_id", "id"])
    op.create_index("ix_routingdecision_partner_reported", "routingdecision", ["partner_key", "reported_at"])
    op.create_index("ix_routingdecision_owner_id", "routingdecision", ["owner_id"])
    op.create_index("ix_routingdecision_listing_id", "routingdecision", ["listing_id"])
    op.create_index("ix_routingdecision_problem_id", "routingdecision", ["problem_id"])

    op.create_table(
        "routeoffer",
        sa.Column("token", S(length=43), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("partner_key", S(length=24), nullable=False),
        sa.Column("url", S(length=2000), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("clicked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["todotask.id"]),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_index("ix_routeoffer_task_id", "routeoffer", ["task_id"])

    op.create_table(
        "partner",
        sa.Column("key", S(length=24), nullable=False),
        sa.Column("name", S(length=60), nullable=False),
        sa.Column("kind", S(length=8), nullable=False),
        sa.Column("categories", S(length=400), nullable=False),
        sa.Column("link_template", S(length=600), nullable=False),
        sa.Column("affiliate_params", S(length=300), nullable=False),
        sa.Column("status", S(length=10), nullable=False),
        sa.Column("suspended_by", S(length=8), nullable=False),
        sa.Column("suspended_reason", sa.Text(), nullable=False),
        sa.Column("suspended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "partnerdaily",
        sa.Column("partner_key", S(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("partner_key", "day"),
    )

    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", S(length=40), nullable=False),
        sa.Column("subject", S(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_auditentry_at", "auditentry", ["at"])
    op.create_index("ix_auditentry_actor_id", "auditentry", ["actor_id"])
    op.create_index("ix_auditentry_subject", "auditentry", ["subject"])
    op.create_index("ix_auditentry_action_at", "auditentry", ["action", "at"])
    create_audit_guards(op.get_bind())


def downgrade() -> None:
    drop_audit_guards(op.get_bind())
    op.drop_table("auditentry")
    op.drop_table("partnerdaily")
    op.drop_table("partner")
    op.drop_table("routeoffer")
    op.drop_table("routingdecision")
    op.drop_table("todotask")
