"""Routes are declared once and every page compiles; demo data is deterministic and loads once."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session, select

from jtbd_app import cli
from jtbd_app.models import Bid, Listing, Profile, ProfileSkill, Question, User
from jtbd_app.routes import ROUTES
from jtbd_app.services.accounts import membership, passwords
from jtbd_app.services.demo import seed

REQUIRED = {
    "/",
    "/signup",
    "/login",
    "/terms",
    "/u/[username]",
    "/admin",
    "/marketplace",
    "/post",
    "/reset-password",
    "/verify-email",
    "/listings/[id]",
    "/tasks",
    "/problems",
    "/providers",
    "/notifications",
    "/404",
}


def test_no_route_is_declared_twice_and_the_required_ones_exist() -> None:
    paths = [r.path for r in ROUTES]
    assert len(paths) == len(set(paths))
    assert set(paths) >= REQUIRED


def test_every_page_builds_a_component() -> None:
    for route in ROUTES:
        assert isinstance(route.component(), rx.Component), route.path


def test_seed_loads_an_admin_and_a_dozen_varied_members_once(db: Session) -> None:
    assert seed.seed(db) is True
    db.commit()
    members = db.exec(select(User).where(User.role == "user", User.status == "active")).all()
    assert len(members) == 12
    assert db.exec(select(User).where(User.role == "admin")).one().email == seed.ADMIN_EMAIL
    profiles = db.exec(select(Profile)).all()
    assert len({p.currency for p in profiles}) >= 4 and any(not p.remote for p in profiles)
    assert len(db.exec(select(ProfileSkill)).all()) >= 24
    assert seed.seed(db) is False


def test_demo_passwords_are_the_documented_ones(db: Session) -> None:
    seed.seed(db)
    db.commit()
    policy = membership.ThrottlePolicy()
    assert membership.authenticate(
        db, identifier=seed.ADMIN_EMAIL, password=seed.ADMIN_PASSWORD, address="", policy=policy
    )
    assert membership.authenticate(db, identifier="alice", password=seed.DEMO_PASSWORD, address="", policy=policy)
    assert passwords.verify_password(None, "x") is False


def test_cli_promotes_an_existing_user_and_reports_an_unknown_one(db: Session, capsys) -> None:  # type: ignore[no-untyped-def]
    seed.seed(db)
    db.commit()
    assert cli.main(["promote-admin", "alice@example.com"]) == 0
    db.expire_all()
    assert db.exec(select(User).where(User.username == "alice")).one().role == "admin"
    assert cli.main(["promote-admin", "ghost@example.com"]) == 1
    assert "No user" in capsys.readouterr().err


def test_the_demo_marketplace_is_posted_through_the_real_services(db: Session) -> None:
    assert seed.seed(db) is True
    db.commit()
    open_listings = db.exec(select(Listing).where(Listing.status == "open")).all()
    assert len(open_listings) == 10 and all(listing.published_at for listing in open_listings)
    assert len(db.exec(select(Bid)).all()) == 7 and len(db.exec(select(Question)).all()) == 1


def test_the_demo_has_a_completed_reviewed_contract_and_one_in_progress_with_real_ledger_figures(db: Session) -> None:
    from jtbd_app.models import Contract, Profile, Review
    from jtbd_app.services.ledger import journal

    assert seed.seed(db) is True
    db.commit()
    assert sorted(c.status for c in db.exec(select(Contract)).all()) == ["completed", "disputed", "funded"]
    assert all(r.published_at for r in db.exec(select(Review)).all()) and len(db.exec(select(Review)).all()) == 2
    bob = db.exec(select(User).where(User.username == "bob")).one()
    profile = db.get(Profile, bob.id)
    assert profile is not None and (profile.rating_count, profile.completed_contracts) == (1, 1)
    assert journal.trial_balance(db) == 0 and journal.cached_balance_mismatches(db) == []


def test_every_state_module_is_reached_from_the_routes() -> None:
    """A state no route imports would be missing from the app (and from the authorization table)."""
    import subprocess
    import sys
    from pathlib import Path

    script = "import sys, jtbd_app.routes; print(' '.join(m for m in sys.modules if m.startswith('jtbd_app.state.')))"
    loaded = set(
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    )
    state_dir = Path(__file__).resolve().parents[2] / "jtbd_app" / "state"
    wiring = {"__init__", "outages", "state_store"}  # no states: the app's error handler and tab-state store
    modules = {f"jtbd_app.state.{p.stem}" for p in state_dir.glob("*.py") if p.stem not in wiring}
    assert modules - loaded == set()
