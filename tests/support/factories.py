"""Marketplace data for tests: listings as rows, without walking through the wizard each time, and a market of
members bidding through the service."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import Listing, ListingSkill, Skill, User, utcnow
from jtbd_app.services.marketplace import bids
from jtbd_app.services.viewer import Viewer
from tests.support.members import make_user
from tests.support.viewers import viewer_of

OFFER = {"amount": "450.50", "message": "I have built twenty of these.", "delivery_days": "7"}


def skill_id(session: Session, name: str) -> int:
    skill = session.exec(select(Skill).where(Skill.name == name)).first()
    if skill is None:
        skill = Skill(name=name)
        session.add(skill)
        session.flush()
    assert skill.id is not None
    return skill.id


def make_listing(owner: User, *, skills: tuple[str, ...] = ("python",), **fields: Any) -> Listing:
    """An open listing owned by `owner`; any column can be overridden."""
    values: dict[str, Any] = {
        "title": "Build a landing page",
        "description": "A one-page site for a bakery.",
        "category": "software",
        "budget_minor": 50_000,
        "currency": "USD",
        "deadline": date.today() + timedelta(days=14),
        "remote": True,
        "location": "",
        "status": "open",
        "published_at": utcnow(),
        "wizard_step": 4,
    }
    values.update(fields)
    assert owner.id is not None
    with session_scope() as session:
        listing = Listing(owner_id=owner.id, skills_text=", ".join(skills), **values)
        session.add(listing)
        session.flush()
        assert listing.id is not None
        for position, name in enumerate(skills):
            session.add(ListingSkill(listing_id=listing.id, skill_id=skill_id(session, name), position=position))
        return listing


def setup_market() -> tuple[Viewer, Viewer, Viewer, int]:
    """Ann's open listing, and Bob and Cat who may bid on it: their viewers and the listing's id."""
    owner, bob, cat = (make_user(n) for n in ("ann", "bob", "cat"))
    listing = make_listing(owner, problem_id=7, micro_task_id=3)
    assert listing.id is not None
    return viewer_of(owner), viewer_of(bob), viewer_of(cat), listing.id


def bid(who: Viewer, listing_id: int, **changes: str) -> int:
    """`who` bids on the listing through the service: the `OFFER`, with `changes`."""
    with session_scope() as s:
        return bids.place_bid(s, viewer=who, listing_id=listing_id, values={**OFFER, **changes})
