"""What a listing page shows, to whom: everyone sees the listing, poster and Q&A; the owner sees every bid,
a bidder only their own. Drafts exist only for their owner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain import display
from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.marketplace import category_label
from jtbd_app.domain.money import Money, amount_input
from jtbd_app.models import Bid, Contract, Listing, ListingSkill, Profile, ProfileSkill, Question, User, utcnow
from jtbd_app.services.invitations import ListingInvitation, invitations_for_listing
from jtbd_app.services.listings import listing_skills, parse_id
from jtbd_app.services.viewer import Viewer


@dataclass
class PosterCard:
    username: str = ""
    display_name: str = ""
    rating: str = ""
    completed: int = 0
    member_since: str = ""


@dataclass
class QuestionItem:
    id: int = 0
    asker: str = ""
    body: str = ""
    answer: str = ""
    asked: str = ""


@dataclass
class BidItem:
    id: int = 0
    bidder_username: str = ""
    bidder_name: str = ""
    bidder_rating: str = ""
    amount: str = ""
    amount_input: str = ""
    delivery_days: int = 0
    message: str = ""
    status: str = ""
    shortlisted: bool = False
    skills_match: str = ""
    placed: str = ""


@dataclass
class ListingDetail:
    id: int = 0
    status: str = ""
    title: str = ""
    description: str = ""
    category: str = ""
    skills: list[str] = field(default_factory=list)
    budget: str = ""
    currency: str = "USD"
    deadline: str = ""
    remote: bool = True
    location: str = ""
    bid_count: int = 0
    published: str = ""
    poster: PosterCard = field(default_factory=PosterCard)
    questions: list[QuestionItem] = field(default_factory=list)
    is_owner: bool = False
    can_bid: bool = False
    bids: list[BidItem] = field(default_factory=list)  # the owner: every bid; a bidder: their own
    contract_id: int = 0  # set for the two parties once a bid was accepted
    invitations: list[ListingInvitation] = field(default_factory=list)  # the owner: all; an invitee: their own


def listing_detail(session: Session, *, viewer: Viewer | None, listing_id: object) -> ListingDetail:
    listing = session.get(Listing, parse_id(listing_id))
    owner = viewer is not None and listing is not None and listing.owner_id == viewer.user_id
    if listing is None or (listing.status == "draft" and not owner):
        raise NotFound("There is no such listing.")
    if listing.status == "hidden" and not (owner or (viewer and viewer.is_admin)):
        raise NotFound("There is no such listing.")
    assert listing.id is not None
    now = utcnow()
    skills = listing_skills(session, listing_id=listing.id)
    bid_filter = Bid.listing_id == listing.id
    if not owner:
        bid_filter = bid_filter & (Bid.bidder_id == (viewer.user_id if viewer else -1))  # type: ignore[assignment]
    bids = [_bid_item(session, bid, skills, now) for bid in _bids(session, bid_filter)]
    mine = [b for b in bids if viewer and not owner]
    contract = session.exec(select(Contract).where(Contract.listing_id == listing.id)).first()
    parties = (
        contract is not None and viewer is not None and viewer.user_id in (contract.client_id, contract.contractor_id)
    )
    return ListingDetail(
        id=listing.id,
        status=listing.status,
        title=listing.title,
        description=listing.description,
        category=category_label(listing.category),
        skills=skills,
        budget=Money(listing.budget_minor, listing.currency).format() if listing.budget_minor is not None else "",
        currency=listing.currency,
        deadline=display.due_label(listing.deadline, now.date())
        + (f" ({listing.deadline.isoformat()})" if listing.deadline else ""),
        remote=listing.remote,
        location=listing.location,
        bid_count=listing.bid_count,
        published=display.ago_label(listing.published_at, now) if listing.published_at else "Not published",
        poster=_poster(session, listing.owner_id),
        questions=_questions(session, listing.id, now),
        is_owner=owner,
        can_bid=viewer is not None
        and viewer.status == "active"
        and not owner
        and listing.status == "open"
        and not any(b.status != "withdrawn" for b in mine),
        bids=bids,
        contract_id=contract.id if parties and contract and contract.id else 0,
        invitations=invitations_for_listing(session, viewer=viewer, listing_id=listing.id) if viewer else [],
    )


def _bids(session: Session, where: object) -> list[Bid]:
    order = (col(Bid.status) != "pending", col(Bid.shortlisted).desc(), col(Bid.amount_minor), col(Bid.id))
    return list(session.exec(select(Bid).where(where).order_by(*order)).all())  # type: ignore[arg-type]


def _bid_item(session: Session, bid: Bid, skills: list[str], now: datetime) -> BidItem:
    row = session.exec(
        select(User.username, Profile.display_name, Profile.rating_total, Profile.rating_count)
        .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .where(User.id == bid.bidder_id)
    ).one()
    matched = _matched_skills(session, bid.bidder_id, bid.listing_id)
    assert bid.id is not None
    return BidItem(
        id=bid.id,
        bidder_username=row[0],
        bidder_name=row[1],
        bidder_rating=display.rating_label(row[2], row[3]),
        amount=Money(bid.amount_minor, bid.currency).format(),
        amount_input=amount_input(bid.amount_minor, bid.currency),
        delivery_days=bid.delivery_days,
        message=bid.message,
        status=bid.status,
        shortlisted=bid.shortlisted,
        skills_match=f"{matched} of {len(skills)} skills" if skills else "",
        placed=display.ago_label(bid.created_at, now),
    )


def _matched_skills(session: Session, user_id: int, listing_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(ProfileSkill)
            .join(ListingSkill, ListingSkill.skill_id == ProfileSkill.skill_id)  # type: ignore[arg-type]
            .where(ProfileSkill.user_id == user_id, ListingSkill.listing_id == listing_id)
        ).one()
    )


def _poster(session: Session, user_id: int) -> PosterCard:
    user, profile = session.exec(
        select(User, Profile).join(Profile, Profile.user_id == User.id).where(User.id == user_id)  # type: ignore[arg-type]
    ).one()
    return PosterCard(
        username=user.username,
        display_name=profile.display_name,
        rating=display.rating_label(profile.rating_total, profile.rating_count),
        completed=profile.completed_contracts,
        member_since=user.created_at.strftime("%B %Y"),
    )


def _questions(session: Session, listing_id: int, now: datetime) -> list[QuestionItem]:
    rows = session.exec(
        select(Question, Profile.display_name)
        .join(Profile, Profile.user_id == Question.asker_id)  # type: ignore[arg-type]
        .where(Question.listing_id == listing_id)
        .order_by(col(Question.id))
        .limit(200)
    ).all()
    return [
        QuestionItem(id=q.id or 0, asker=name, body=q.body, answer=q.answer, asked=display.ago_label(q.created_at, now))
        for q, name in rows
    ]
