"""Fill an empty database for a load run: the search benchmark's members and open listings (bench/listing_data.py),
every member able to sign in with one password, and contracts awaiting funding for the first members, made through
the real services (a bid, its acceptance, both parties accepting the terms)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine, func, insert, text
from sqlmodel import Session, SQLModel, col, create_engine, select

from bench.listing_data import listing_rows
from bench.search import analyze, populate
from jtbd_app import cli
from jtbd_app.models import Contract, Listing, User, utcnow
from jtbd_app.models.search_words import counted_after
from jtbd_app.services.accounts import passwords
from jtbd_app.services.contracts import lifecycle
from jtbd_app.services.marketplace import bids
from jtbd_app.services.viewer import Viewer

PASSWORD = "load-test-password-1"  # every seeded member's; the members are m<N>@example.com / member<N>
BID = {"amount": "120", "message": "I can do this well and on time.", "delivery_days": "5"}


class NotEmpty(Exception):
    """The database already has members: a load seed only fills an empty one."""


@dataclass(frozen=True)
class SeedSize:
    listings: int
    members: int
    funders: int  # the first members, who each get `contracts` contracts to fund as the client
    contracts: int


def username(member: int) -> str:
    return f"member{member}"


def viewer(member: int) -> Viewer:
    return Viewer(member, username(member), f"Member {member}", "user", "active")


def seed(url: str, size: SeedSize) -> float:
    """Migrate, then fill; returns the seconds it took. Refuses a database that has members."""
    start = time.perf_counter()
    cli.migrate(url)
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            if session.exec(select(func.count()).select_from(User)).one():
                raise NotEmpty(f"{url.split('@')[-1]} already has members: seed an empty database.")
        populate(engine, listings=size.listings, users=size.members)
        with engine.begin() as conn:
            conn.execute(
                text('UPDATE "user" SET password_hash = :hash, email_verified_at = :now'),
                {"hash": passwords.hash_password(PASSWORD), "now": utcnow()},
            )
        _contracts_to_fund(engine, size)
        if engine.dialect.name == "postgresql":
            _move_sequences(engine)
        analyze(engine)
    finally:
        engine.dispose()
    return time.perf_counter() - start


def _move_sequences(engine: Engine) -> None:
    """The bulk insert chose its own ids: PostgreSQL's sequences must start after them."""
    with engine.begin() as conn:
        for table in ("user", "listing", "skill"):
            conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))")
            )


def _contracts_to_fund(engine: Engine, size: SeedSize) -> None:
    """For each of the first `funders` members: `contracts` listings of theirs, each with a bid by another member,
    accepted, and the terms accepted by both (the contract awaits the client's payment)."""
    funders = min(size.funders, size.members - 1)
    if funders <= 0 or size.contracts <= 0:
        return
    if engine.dialect.name == "postgresql":
        _move_sequences(engine)
    tables = SQLModel.metadata.tables
    now = utcnow()
    owners = [m for m in range(1, funders + 1) for _ in range(size.contracts)]
    rows = listing_rows(len(owners), size.members, seed=23, now=now)
    with engine.begin() as conn, counted_after(conn):
        for owner, (columns, _skills) in zip(owners, rows, strict=True):
            conn.execute(insert(tables["listing"]), [{**columns, "owner_id": owner, "bid_count": 0}])
    with Session(engine) as session:
        mine = session.exec(
            select(Listing.id, Listing.owner_id).where(col(Listing.id) > size.listings).order_by(col(Listing.id))
        ).all()
    for listing_id, owner in mine:
        contractor = size.members - (owner % (size.members - 1))  # another member, never the owner
        if contractor == owner:
            contractor = owner % size.members + 1
        with Session(engine) as session:
            bid_id = bids.place_bid(session, viewer=viewer(contractor), listing_id=listing_id, values=BID)
            contract_id = bids.accept_bid(session, viewer=viewer(owner), bid_id=bid_id)
            for party in (owner, contractor):
                lifecycle.accept_terms(session, viewer=viewer(party), contract_id=contract_id, version=1)
            session.commit()


def contracts_to_fund(session: Session) -> dict[int, list[int]]:
    """Each member's contracts that await their payment, oldest first."""
    rows = session.exec(
        select(Contract.client_id, Contract.id).where(Contract.status == "awaiting_funding").order_by(col(Contract.id))
    ).all()
    found: dict[int, list[int]] = {}
    for client, contract_id in rows:
        if contract_id is not None:
            found.setdefault(client, []).append(contract_id)
    return found
