"""Migration 0005 gives contracts made before it (accepted bids awaiting funding) the new life: they await both
parties' acceptance, get a funding deadline and its expiry job, and come back down cleanly; on both databases."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlmodel import create_engine

from alembic import command
from jtbd_app import cli
from jtbd_app.config import _normalise_db_url
from jtbd_app.models import utcnow

ROWS = [
    'INSERT INTO "user" (id, email, username, role, status, suspended_reason, created_at) VALUES '
    "(1, 'ann@example.com', 'ann', 'user', 'active', '', :now), (2, 'bob@example.com', 'bob', 'user', 'active', '', :now)",
    "INSERT INTO listing (id, owner_id, status, title, description, category, skills_text, currency, remote, location, "
    "wizard_step, source, bid_count, created_at, updated_at) VALUES "
    "(1, 1, 'closed', 'Old task', '', 'other', '', 'USD', true, '', 4, 'wizard', 0, :now, :now)",
    "INSERT INTO bid (id, listing_id, bidder_id, status, shortlisted, amount_minor, currency, message, delivery_days, "
    "created_at, updated_at) VALUES (1, 1, 2, 'accepted', false, 5000, 'USD', 'Old bid message', 3, :now, :now)",
    "INSERT INTO contract (id, listing_id, bid_id, client_id, contractor_id, status, amount_minor, currency, "
    "delivery_days, created_at, updated_at) VALUES (1, 1, 1, 1, 2, 'awaiting_funding', 5000, 'USD', 3, :now, :now)",
]


def _run(url: str) -> None:
    url = _normalise_db_url(url)
    config = cli.alembic_config(url)
    command.upgrade(config, "0004")
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement), {"now": utcnow()})
    command.upgrade(config, "head")
    with engine.connect() as conn:
        status, deadline = conn.execute(text("SELECT status, funding_expires_at FROM contract")).one()
        jobs = conn.execute(text("SELECT key, kind, status FROM scheduledjob")).all()
    assert status == "awaiting_acceptance" and deadline is not None
    assert [tuple(j) for j in jobs] == [("expire_unfunded:contract:1", "expire_unfunded", "pending")]
    command.downgrade(config, "0004")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM contract")).scalar_one() == "awaiting_funding"
    engine.dispose()


def test_old_contracts_get_acceptance_a_deadline_and_an_expiry_job_on_sqlite(tmp_path: Path) -> None:
    _run(f"sqlite:///{tmp_path / 'old.db'}")


def test_old_contracts_get_acceptance_a_deadline_and_an_expiry_job_on_postgresql(postgres_url: str) -> None:
    _run(postgres_url)
