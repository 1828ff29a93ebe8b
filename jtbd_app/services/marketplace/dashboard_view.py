"""A member's own marketplace at a glance: listings with their bids, drafts, bids placed, contracts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain import display
from jtbd_app.domain.money import Money
from jtbd_app.models import Bid, Contract, Listing, Profile, utcnow
from jtbd_app.services.marketplace.invitations import MyInvitation, my_invitations
from jtbd_app.services.messaging.message_view import unread_total
from jtbd_app.services.viewer import Viewer, require_viewer

PER_PAGE = 10


@dataclass
class ListingRow:
    id: int = 0
    title: str = ""
    status: str = ""
    bid_count: int = 0
    budget: str = ""
    deadline: str = ""
    updated: str = ""


@dataclass
class BidRow:
    listing_id: int = 0
    listing_title: str = ""
    amount: str = ""
    status: str = ""
    shortlisted: bool = False
    updated: str = ""


@dataclass
class ContractRow:
    id: int = 0
    listing_id: int = 0
    title: str = ""
    role: str = ""  # "client" | "contractor"
    other_party: str = ""
    amount: str = ""
    status: str = ""


@dataclass
class Section:
    page: int = 1
    pages: int = 1
    total: int = 0


@dataclass
class Dashboard:
    listings: list[ListingRow] = field(default_factory=list)
    listings_page: Section = field(default_factory=Section)
    drafts: list[ListingRow] = field(default_factory=list)
    drafts_page: Section = field(default_factory=Section)
    bids: list[BidRow] = field(default_factory=list)
    bids_page: Section = field(default_factory=Section)
    contracts: list[ContractRow] = field(default_factory=list)
    bids_received: int = 0  # live bids waiting on the viewer's open listings
    invitations: list[MyInvitation] = field(default_factory=list)
    unread_messages: int = 0


def dashboard(
    session: Session,
    *,
    viewer: Viewer | None,
    listings_page: object = 1,
    drafts_page: object = 1,
    bids_page: object = 1,
) -> Dashboard:
    actor = require_viewer(viewer)
    now = utcnow()
    mine = (col(Listing.owner_id) == actor.user_id) & (col(Listing.status) != "draft")
    drafts = (col(Listing.owner_id) == actor.user_id) & (col(Listing.status) == "draft")
    listing_rows, listing_section = _listings(session, mine, listings_page, now)
    draft_rows, draft_section = _listings(session, drafts, drafts_page, now)
    bid_rows, bid_section = _bids(session, actor.user_id, bids_page, now)
    received = session.exec(
        select(func.coalesce(func.sum(Listing.bid_count), 0)).where(
            Listing.owner_id == actor.user_id, Listing.status == "open"
        )
    ).one()
    return Dashboard(
        listings=listing_rows,
        listings_page=listing_section,
        drafts=draft_rows,
        drafts_page=draft_section,
        bids=bid_rows,
        bids_page=bid_section,
        contracts=_contracts(session, actor.user_id),
        bids_received=int(received),
        invitations=my_invitations(session, viewer=actor, limit=PER_PAGE),
        unread_messages=unread_total(session, user_id=actor.user_id),
    )


def _section(session: Session, where: Any, page: object, model: Any) -> tuple[Section, int]:
    total = int(session.exec(select(func.count()).select_from(model).where(where)).one())
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    number = page if isinstance(page, int) and not isinstance(page, bool) else 1
    number = min(max(number, 1), pages)
    return Section(page=number, pages=pages, total=total), (number - 1) * PER_PAGE


def _listings(session: Session, where: Any, page: object, now: Any) -> tuple[list[ListingRow], Section]:
    section, offset = _section(session, where, page, Listing)
    rows = session.exec(
        select(Listing).where(where).order_by(col(Listing.updated_at).desc()).offset(offset).limit(PER_PAGE)
    ).all()
    return [
        ListingRow(
            id=row.id or 0,
            title=row.title or "Untitled draft",
            status=row.status,
            bid_count=row.bid_count,
            budget=Money(row.budget_minor, row.currency).format() if row.budget_minor is not None else "",
            deadline=display.due_label(row.deadline, now.date()) if row.deadline else "",
            updated=display.ago_label(row.updated_at, now),
        )
        for row in rows
    ], section


def _bids(session: Session, user_id: int, page: object, now: Any) -> tuple[list[BidRow], Section]:
    where = Bid.bidder_id == user_id
    section, offset = _section(session, where, page, Bid)
    rows = session.exec(
        select(Bid, Listing.title)
        .join(Listing, Listing.id == Bid.listing_id)  # type: ignore[arg-type]
        .where(where)
        .order_by(col(Bid.updated_at).desc())
        .offset(offset)
        .limit(PER_PAGE)
    ).all()
    return [
        BidRow(
            listing_id=bid.listing_id,
            listing_title=title,
            amount=Money(bid.amount_minor, bid.currency).format(),
            status=bid.status,
            shortlisted=bid.shortlisted,
            updated=display.ago_label(bid.updated_at, now),
        )
        for bid, title in rows
    ], section


def _contracts(session: Session, user_id: int) -> list[ContractRow]:
    rows = session.exec(
        select(Contract, Listing.title)
        .join(Listing, Listing.id == Contract.listing_id)  # type: ignore[arg-type]
        .where((Contract.client_id == user_id) | (Contract.contractor_id == user_id))
        .order_by(col(Contract.id).desc())
        .limit(20)
    ).all()
    others = {c.contractor_id if c.client_id == user_id else c.client_id for c, _ in rows}
    names = dict(
        session.exec(select(Profile.user_id, Profile.display_name).where(col(Profile.user_id).in_(others))).all()
    )
    return [
        ContractRow(
            id=c.id or 0,
            listing_id=c.listing_id,
            title=title,
            role="client" if c.client_id == user_id else "contractor",
            other_party=names.get(c.contractor_id if c.client_id == user_id else c.client_id, ""),
            amount=Money(c.amount_minor, c.currency).format(),
            status=c.status.replace("_", " "),
        )
        for c, title in rows
    ]
