"""The provider search and invitations on PostgreSQL: the same answers as on SQLite (case, escaping, ranking)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.provider_query import ProviderQuery
from jtbd_app.models import Listing, Notification, User
from jtbd_app.services.accounts import membership
from jtbd_app.services.marketplace import invitations
from jtbd_app.services.marketplace.providers import search_providers
from jtbd_app.services.viewer import Viewer
from tests.support.contractors import ContractorProfile, fill_profile
from tests.support.database import migrated_engine

PEOPLE = {
    "ann": ContractorProfile(name="Ann Stone", skills=("python", "sql"), rate_minor=8000, rating=(9, 2), completed=4),
    "ben": ContractorProfile(skills=("python",), rate_minor=4000, bio="100% legit_work \\ 'quoted' POSTGRES fan"),
    "cid": ContractorProfile(skills=("figma",), rate_minor=5000, currency="EUR", remote=False, location="Berlin"),
    "dan": ContractorProfile(skills=("sql",), rating=(50, 10), completed=20),
}


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    with migrated_engine(postgres_url) as engine:
        with Session(engine) as session:
            for username, spec in PEOPLE.items():
                user = membership.create_user(
                    session,
                    email=f"{username}@example.com",
                    username=username,
                    display_name=username.title(),
                    password_hash=None,
                )
                fill_profile(session, user, spec)
            membership.create_user(
                session, email="zed@example.com", username="zed", display_name="Zed", password_hash=None
            )
            session.commit()
        yield engine


def names(session: Session, **params: str) -> list[str]:
    result = search_providers(session, query=ProviderQuery.from_params(params))
    return [card.username for card in result.cards]


def test_filters_and_sorts_answer_as_on_sqlite(engine: Engine) -> None:
    with Session(engine) as session:
        assert names(session) == ["dan", "ann", "ben", "cid"]  # zed lists nothing and is not a contractor
        assert names(session, skills="python,sql") == ["ann"]
        assert names(session, q="STONE") == ["ann"]
        assert names(session, q="python") == ["ann", "ben"]
        assert names(session, q="postgres") == ["ben"]  # case-insensitive in the bio
        assert names(session, min_rating="4.5") == ["dan", "ann"]
        assert names(session, min_rate="50", currency="USD") == ["ann"]
        assert names(session, max_rate="60", currency="EUR") == ["cid"]
        assert names(session, remote="local", location="berl") == ["cid"]
        assert names(session, min_completed="5") == ["dan"]
        assert names(session, sort="price_high") == ["ann", "ben", "cid", "dan"]
        assert names(session, sort="rating") == ["dan", "ann", "ben", "cid"]
        card = search_providers(session, query=ProviderQuery(q="ann")).cards[0]
        assert (card.rating, card.hourly_rate, card.skills) == ("4.5 (2)", "$80.00/hour", ["python", "sql"])


@pytest.mark.parametrize("hostile", ["100%", "legit_", "\\", "'quoted'", "%", "_"])
def test_wildcards_backslashes_and_quotes_match_literally(engine: Engine, hostile: str) -> None:
    with Session(engine) as session:
        assert names(session, q=hostile) == ["ben"]


def test_an_invitation_is_stored_once_with_its_notification(engine: Engine) -> None:
    with Session(engine) as session:
        client = session.exec(select(User).where(User.username == "zed")).one()
        assert client.id is not None
        listing = Listing(owner_id=client.id, title="Port a script", status="open")
        session.add(listing)
        session.commit()
        viewer = Viewer(client.id, "zed", "Zed", "user", "active")
        invitations.invite(session, viewer=viewer, listing_id=listing.id, contractor_username="ann")
        session.commit()
        with pytest.raises(ValidationFailed, match="Already invited"):
            invitations.invite(session, viewer=viewer, listing_id=listing.id, contractor_username="ann")
        session.rollback()
        [seen] = invitations.invitations_for_listing(session, viewer=viewer, listing_id=listing.id)
        assert (seen.contractor_username, seen.has_bid) == ("ann", False)
        assert session.exec(select(Notification.title)).all() == ["Zed invited you to bid on Port a script"]
