"""What the reviews look like to each reader: the contract page's panel, and a member's published reviews.

The double-blind rule lives here as much as in `reviews`: a party reads their own review always and the
other's only once published; profiles list published reviews only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain import reviews as rules
from jtbd_app.domain.display import day_label
from jtbd_app.domain.errors import NotFound, PermissionDenied
from jtbd_app.models import Contract, Listing, Profile, Review, User, utcnow
from jtbd_app.services.contracts.reviews import find_contract, other_party, window_ends_at
from jtbd_app.services.viewer import Viewer, require_viewer

PER_PAGE = 10


@dataclass(frozen=True)
class ReviewItem:
    """One review as a page shows it; stars only ever reach someone allowed to see them."""

    id: int = 0
    author_name: str = ""
    author_username: str = ""
    subject_name: str = ""
    rating: int = 0
    stars: str = ""  # "★★★★☆"
    stars_label: str = ""  # "4 out of 5 stars"
    body: str = ""
    written: str = ""  # "7 Dec 2025"
    published: bool = False
    listing_title: str = ""
    role: str = ""  # the subject's side: "as contractor" | "as client"
    hidden: bool = False  # hidden by the moderators (only its author and administrators still see it)


@dataclass(frozen=True)
class ReviewPanel:
    """What the contract page shows one viewer about the contract's reviews."""

    contract_id: int = 0
    completed: bool = False
    can_review: bool = False
    already_reviewed: bool = False
    window_open: bool = False
    window_ends: str = ""  # "7 Dec 2025", empty before completion
    other_name: str = ""  # the party the viewer reviews; empty for an administrator
    status_line: str = ""
    has_own_review: bool = False
    own_review: ReviewItem = ReviewItem()
    other_reviews: list[ReviewItem] = field(default_factory=list)  # published ones (all, for an administrator)


def review_panel(
    session: Session, *, viewer: Viewer | None, contract_id: object, now: datetime | None = None
) -> ReviewPanel:
    """The parties see their own review always and the other's once published; administrators see both."""
    actor = require_viewer(viewer)
    contract = find_contract(session, contract_id)
    assert contract.id is not None
    is_party = actor.user_id in (contract.client_id, contract.contractor_id)
    if not is_party and not actor.is_admin:
        raise PermissionDenied("Only the client and the contractor of this contract can see its reviews.")
    people = _people(session, contract.client_id, contract.contractor_id)
    rows = session.exec(select(Review).where(Review.contract_id == contract.id).order_by(col(Review.id))).all()
    ends = window_ends_at(contract)
    window_open = ends is not None and (now or utcnow()) < ends
    ends_label = day_label(ends) if ends is not None else ""
    if not is_party:
        return ReviewPanel(
            contract_id=contract.id,
            completed=ends is not None,
            window_open=window_open,
            window_ends=ends_label,
            status_line="You are reading the reviews as an administrator; unpublished ones are marked.",
            other_reviews=[_item(r, people, contract) for r in rows],
        )
    other_name = people.get(other_party(contract, actor.user_id), ("the other party", ""))[0]
    mine = next((_item(r, people, contract) for r in rows if r.author_id == actor.user_id), None)
    theirs = next(
        (_item(r, people, contract) for r in rows if r.author_id != actor.user_id and r.hidden_at is None), None
    )
    can_review = window_open and mine is None and actor.status == "active"
    return ReviewPanel(
        contract_id=contract.id,
        completed=ends is not None,
        can_review=can_review,
        already_reviewed=mine is not None,
        window_open=window_open,
        window_ends=ends_label,
        other_name=other_name,
        status_line=_status_line(
            completed=ends is not None,
            window_open=window_open,
            ends=ends_label,
            other=other_name,
            mine=mine,
            theirs=theirs,
            suspended=actor.status != "active",
        ),
        has_own_review=mine is not None,
        own_review=mine or ReviewItem(),
        other_reviews=[theirs] if theirs is not None and theirs.published else [],
    )


def profile_reviews(session: Session, *, username: object, page: object) -> tuple[list[ReviewItem], int]:
    """Published reviews about a member, newest first, `PER_PAGE` a page (a page past the end shows the last)."""
    name = username.strip().lower() if isinstance(username, str) else ""
    subject = session.exec(select(User).where(User.username == name)).first()
    if subject is None or subject.id is None:
        raise NotFound("There is no member with that username.")
    about = (
        col(Review.subject_id) == subject.id,
        col(Review.published_at).is_not(None),
        col(Review.hidden_at).is_(None),  # hidden by the moderators: off the profile, its stars too
    )
    total = int(session.exec(select(func.count()).select_from(Review).where(*about)).one())
    number = clamp_page(page, total)
    rows = session.exec(
        select(Review, Listing.title, Listing.status, Contract.contractor_id)
        .join(Contract, col(Contract.id) == Review.contract_id)
        .join(Listing, col(Listing.id) == Contract.listing_id)
        .where(*about)
        .order_by(col(Review.published_at).desc(), col(Review.id).desc())
        .offset((number - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    authors = _people(session, *{review.author_id for review, *_ in rows})
    items = [
        ReviewItem(
            id=review.id or 0,
            author_name=authors.get(review.author_id, ("A member", ""))[0],
            author_username=authors.get(review.author_id, ("A member", ""))[1],
            rating=review.rating,
            stars=rules.stars_text(review.rating),
            stars_label=rules.stars_label(review.rating),
            body=review.body,
            written=day_label(review.published_at or review.created_at),
            published=True,
            listing_title=listing_title if listing_status != "hidden" else "A listing no longer shown",
            role="as contractor" if contractor_id == subject.id else "as client",
        )
        for review, listing_title, listing_status, contractor_id in rows
    ]
    return items, total


def page_count(total: int) -> int:
    return max(1, -(-total // PER_PAGE))


def clamp_page(page: object, total: int) -> int:
    """A page number from a browser: anything odd is page 1; past the end is the last page."""
    number = page if isinstance(page, int) and not isinstance(page, bool) and 0 < page < 10**9 else 1
    return min(number, page_count(total))


def _people(session: Session, *user_ids: int) -> dict[int, tuple[str, str]]:
    """Display name and username of each of the contract's parties."""
    rows = session.exec(
        select(User.id, Profile.display_name, User.username)
        .join(Profile, col(Profile.user_id) == User.id)
        .where(col(User.id).in_(user_ids))
    ).all()
    return {user_id: (name, username) for user_id, name, username in rows if user_id is not None}


def _item(review: Review, people: dict[int, tuple[str, str]], contract: Contract) -> ReviewItem:
    author_name, author_username = people.get(review.author_id, ("A member", ""))
    return ReviewItem(
        id=review.id or 0,
        author_name=author_name,
        author_username=author_username,
        subject_name=people.get(review.subject_id, ("A member", ""))[0],
        rating=review.rating,
        stars=rules.stars_text(review.rating),
        stars_label=rules.stars_label(review.rating),
        body=review.body,
        written=day_label(review.created_at),
        published=review.published_at is not None,
        role="as contractor" if review.subject_id == contract.contractor_id else "as client",
        hidden=review.hidden_at is not None,
    )


def _status_line(
    *,
    completed: bool,
    window_open: bool,
    ends: str,
    other: str,
    mine: ReviewItem | None,
    theirs: ReviewItem | None,
    suspended: bool,
) -> str:
    """One sentence saying where the viewer's review stands and when the other's may appear."""
    if not completed:
        return "Reviews open once the contract is completed."
    if mine is not None and theirs is not None and mine.published and theirs.published:
        return "Both reviews are published."
    if mine is not None:
        if mine.published:
            return f"Your review is published. The review window closed on {ends}."
        if window_open:
            return f"Your review is in; it appears when {other}'s is in or on {ends}."
        return f"The review window closed on {ends}; your review will appear shortly."
    if not window_open:
        return f"The review window closed on {ends}."
    if suspended:
        return "Your account is suspended, so you cannot leave a review."
    if theirs is not None:
        return f"{other} has reviewed you. Leave your review by {ends}; both appear together."
    return f"Review {other} by {ends}. Neither review shows until both are in or the window closes."
