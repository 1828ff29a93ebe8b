"""What a listing page shows, to whom: everyone sees the listing, poster and Q&A (read once per change of the
marketplace and shared: public_cache); the owner sees every bid, a bidder only their own. Drafts exist only for their
owner."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from jtbd_app.config import get_settings
from jtbd_app.domain import display
from jtbd_app.domain.contract_rules import minimum_price_hint
from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.ids import parse_id
from jtbd_app.domain.markdown_html import markdown_to_html
from jtbd_app.domain.marketplace import category_label
from jtbd_app.domain.moderation import HIDDEN_LISTING
from jtbd_app.domain.money import Money, amount_input
from jtbd_app.domain.page_titles import listing_subject
from jtbd_app.models import Bid, Contract, Listing, ListingSkill, Profile, ProfileSkill, Question, User, utcnow
from jtbd_app.services.accounts import profile_photos
from jtbd_app.services.marketplace.invitations import ListingInvitation, invitations_for_listing
from jtbd_app.services.marketplace.listing_cards import bid_counts
from jtbd_app.services.marketplace.listings import listing_skills
from jtbd_app.services.marketplace.public_cache import VersionedCache
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
    bidder_photo: str = ""  # the small square of their photo, "" without one (or a profile the moderators hid)
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
    description_html: str = ""  # the markdown rendered and sanitized on the server (domain.markdown_html)
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
    bid_minimum: str = ""  # beside the bid form's price: "Minimum $0.50 at the 10% platform fee"
    bids: list[BidItem] = field(default_factory=list)  # the owner: every bid; a bidder: their own
    contract_id: int = 0  # set for the two parties once a bid was accepted
    invitations: list[ListingInvitation] = field(default_factory=list)  # the owner: all; an invitee: their own
    part_of_problem: bool = False  # a micro-task of a funded problem: its budget is in escrow already
    problem_href: str = ""  # the owner's way back to the problem's dashboard
    subject: str = ""  # what the browser tab says: "Logo for a bakery · $300"


@dataclass(frozen=True)
class PublicListing:
    """What anyone allowed to see the listing sees alike, read in one go and shared (public_cache) until it changes."""

    id: int
    status: str
    owner_id: int
    title: str
    description: str
    description_html: str  # the markdown rendered and sanitized on the server (domain.markdown_html)
    category: str
    skills: list[str]
    budget: str
    currency: str
    deadline: str
    remote: bool
    location: str
    bid_count: int
    published: str
    poster: PosterCard
    questions: list[QuestionItem]
    problem_id: int | None
    from_problem: bool
    subject: str


# A listing page's public part by listing id (the most visited stay).
PUBLIC_LISTINGS: VersionedCache[PublicListing | None] = VersionedCache(size=2048)


def public_listing(session: Session, listing_id: int) -> PublicListing | None:
    """The listing's public part (None for no such listing); who may see it is for the caller to decide. Its bid count
    is read as it is shown: a bid moves it without changing the marketplace (services/live)."""
    listing, computed = PUBLIC_LISTINGS.lookup(session, listing_id, lambda: _read_public_listing(session, listing_id))
    if listing is None or computed:  # a listing read now has its count as it is
        return listing
    count = bid_counts(session, [listing.id]).get(listing.id, listing.bid_count)
    return listing if count == listing.bid_count else dataclasses.replace(listing, bid_count=count)


def _read_public_listing(session: Session, listing_id: int) -> PublicListing | None:
    listing = session.get(Listing, listing_id)
    if listing is None:
        return None
    assert listing.id is not None
    now = utcnow()
    return PublicListing(
        id=listing.id,
        status=listing.status,
        owner_id=listing.owner_id,
        title=listing.title,
        description=listing.description,
        description_html=markdown_to_html(listing.description, top_heading=2),
        category=category_label(listing.category),
        skills=listing_skills(session, listing_id=listing.id),
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
        problem_id=listing.problem_id,
        from_problem=listing.problem_id is not None and listing.source == "problem",
        subject=listing_subject(listing.title, listing.budget_minor, listing.currency),
    )


def listing_detail(session: Session, *, viewer: Viewer | None, listing_id: object) -> ListingDetail:
    listing = public_listing(session, parse_id(listing_id, not_found="There is no such listing."))
    owner = viewer is not None and listing is not None and listing.owner_id == viewer.user_id
    if listing is None or (listing.status == "draft" and not owner):
        raise NotFound("There is no such listing.")
    if listing.status == "hidden" and not (owner or (viewer and viewer.is_admin)):
        raise NotFound(HIDDEN_LISTING)
    # The owner sees every bid; anyone else only their own (a visitor none).
    bids = [] if viewer is None else _bid_items(session, listing.id, None if owner else viewer.user_id, listing.skills)
    contract_id = 0  # the contract made from it, for its parties only
    if viewer is not None:
        made = session.connection().execute(_CONTRACT_OF_LISTING, {"listing_id": listing.id}).first()
        if made is not None:
            made_id, client_id, contractor_id = made
            contract_id = (made_id or 0) if viewer.user_id in (client_id, contractor_id) else 0
    return ListingDetail(
        **_shared_fields(listing),
        is_owner=owner,
        can_bid=viewer is not None
        and viewer.status == "active"
        and not owner
        and listing.status == "open"
        and not any(b.status != "withdrawn" for b in bids),
        bid_minimum=minimum_price_hint(listing.currency, get_settings().platform_fee_bps),
        bids=bids,
        contract_id=contract_id,
        invitations=invitations_for_listing(session, viewer=viewer, listing_id=listing.id, owner_id=listing.owner_id)
        if viewer
        else [],
        part_of_problem=listing.from_problem,
        problem_href=f"/problems/{listing.problem_id}" if owner and listing.problem_id is not None else "",
    )


_SHARED = [
    f.name for f in dataclasses.fields(ListingDetail) if f.name in {g.name for g in dataclasses.fields(PublicListing)}
]


def _shared_fields(listing: PublicListing) -> dict[str, Any]:
    """The public part as the page shows it: every field the two share, the lists copied (the cached one is shared)."""
    return {name: (list(v) if isinstance(v := getattr(listing, name), list) else v) for name in _SHARED}


# A member's listing page reads the bids, the contract and the skills match by statements built once (bound by id):
# building these queries on each visit cost more than running them.
_BIDS: Any = (
    select(Bid, col(User.username), col(Profile.display_name))
    .add_columns(col(Profile.rating_total), col(Profile.rating_count), col(Profile.photo_key))
    .add_columns(col(Profile.hidden_at))
    .join(User, col(User.id) == col(Bid.bidder_id))
    .join(Profile, col(Profile.user_id) == col(Bid.bidder_id))
    .where(col(Bid.listing_id) == bindparam("listing_id"))
    .order_by(col(Bid.status) != "pending", col(Bid.shortlisted).desc(), col(Bid.amount_minor), col(Bid.id))
)
_OWN_BIDS: Any = _BIDS.where(col(Bid.bidder_id) == bindparam("bidder_id"))
_CONTRACT_OF_LISTING = select(col(Contract.id), col(Contract.client_id), col(Contract.contractor_id)).where(
    col(Contract.listing_id) == bindparam("listing_id")
)
_MATCHED_SKILLS = (
    select(col(ProfileSkill.user_id), func.count())
    .join(ListingSkill, col(ListingSkill.skill_id) == col(ProfileSkill.skill_id))
    .where(
        col(ListingSkill.listing_id) == bindparam("listing_id"),
        col(ProfileSkill.user_id).in_(bindparam("user_ids", expanding=True)),
    )
    .group_by(col(ProfileSkill.user_id))
)


def _bid_items(session: Session, listing_id: int, bidder_id: int | None, skills: list[str]) -> list[BidItem]:
    """The bids with their bidders' names, ratings and skills match, in two queries however many bids there are."""
    mine = bidder_id is not None
    params = {"listing_id": listing_id, **({"bidder_id": bidder_id} if mine else {})}
    rows: list[Any] = list(session.exec(_OWN_BIDS if mine else _BIDS, params=params).all())
    now = utcnow()
    matched = _matched_skills(session, listing_id, [bid.bidder_id for bid, *_ in rows]) if skills else {}
    return [
        BidItem(
            id=bid.id or 0,
            bidder_username=username,
            bidder_name=name,
            bidder_rating=display.rating_label(total, count),
            bidder_photo=profile_photos.photo_url(photo_key, 64) if hidden_at is None else "",
            amount=Money(bid.amount_minor, bid.currency).format(),
            amount_input=amount_input(bid.amount_minor, bid.currency),
            delivery_days=bid.delivery_days,
            message=bid.message,
            status=bid.status,
            shortlisted=bid.shortlisted,
            skills_match=f"{matched.get(bid.bidder_id, 0)} of {len(skills)} skills" if skills else "",
            placed=display.ago_label(bid.created_at, now),
        )
        for bid, username, name, total, count, photo_key, hidden_at in rows
    ]


def _matched_skills(session: Session, listing_id: int, user_ids: list[int]) -> dict[int, int]:
    """How many of the listing's skills each bidder lists on their profile."""
    if not user_ids:
        return {}
    rows = session.connection().execute(_MATCHED_SKILLS, {"listing_id": listing_id, "user_ids": user_ids}).all()
    return {user_id: int(n) for user_id, n in rows}


# A listing page the cache does not hold reads its poster and questions by statements built once (bound by id):
# building the ORM queries each time cost about as much as running them.
_POSTER = (
    select(col(User.username), col(Profile.display_name), col(Profile.rating_total), col(Profile.rating_count))
    .add_columns(col(Profile.completed_contracts), col(User.created_at))
    .join(Profile, col(Profile.user_id) == col(User.id))
    .where(col(User.id) == bindparam("user_id"))
)
_QUESTIONS = (
    select(col(Question.id), col(Profile.display_name), col(Question.body), col(Question.answer))
    .add_columns(col(Question.created_at))
    .join(Profile, col(Profile.user_id) == col(Question.asker_id))
    .where(col(Question.listing_id) == bindparam("listing_id"))
    .order_by(col(Question.id))
    .limit(200)
)


def _poster(session: Session, user_id: int) -> PosterCard:
    username, name, rating_total, rating_count, completed, joined = (
        session.connection().execute(_POSTER, {"user_id": user_id}).one()
    )
    return PosterCard(
        username=username,
        display_name=name,
        rating=display.rating_label(rating_total, rating_count),
        completed=completed,
        member_since=joined.strftime("%B %Y"),
    )


def _questions(session: Session, listing_id: int, now: datetime) -> list[QuestionItem]:
    rows = session.connection().execute(_QUESTIONS, {"listing_id": listing_id}).all()
    return [
        QuestionItem(id=qid or 0, asker=name, body=body, answer=answer, asked=display.ago_label(asked, now))
        for qid, name, body, answer, asked in rows
    ]
