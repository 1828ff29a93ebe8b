"""What a profile page shows: the public profile, whether the viewer owns it, and its published reviews.

The profile is kept by accounts and the reviews by contracts; the page reads both, so it is read here, above both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from jtbd_app.domain.errors import NotFound
from jtbd_app.models import User
from jtbd_app.services.accounts.profiles import PublicProfile, public_profile
from jtbd_app.services.contracts import review_view, verification
from jtbd_app.services.contracts.review_view import ReviewItem
from jtbd_app.services.viewer import Viewer


@dataclass
class ReviewsPage:
    """One page of the published reviews about a member, newest first."""

    items: list[ReviewItem] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1


@dataclass
class ProfilePage:
    profile: PublicProfile = field(default_factory=PublicProfile)
    is_owner: bool = False  # decides only whether Edit shows; saving checks again
    reviews: ReviewsPage = field(default_factory=ReviewsPage)
    # "Met 95% of acceptance criteria (40 checked)", over completed micro-task contracts; "" with none checked
    criteria_record: str = ""


def profile_page(session: Session, *, viewer: Viewer | None, username: object) -> ProfilePage:
    """Public: anyone may see a profile and the first page of its reviews; NotFound for an unknown username."""
    profile = public_profile(session, username=username, viewer=viewer)
    return ProfilePage(
        profile=profile,
        is_owner=viewer is not None and viewer.username == profile.username,
        reviews=reviews_page(session, username=username, page=1) if not profile.hidden else ReviewsPage(),
        criteria_record=_criteria_record(session, profile.username),
    )


def reviews_page(session: Session, *, username: object, page: object) -> ReviewsPage:
    """Public: a page of the member's published reviews (an odd page number shows the first, one past the end the
    last); nobody by that name has none."""
    try:
        items, total = review_view.profile_reviews(session, username=username, page=page)
    except NotFound:
        items, total = [], 0
    return ReviewsPage(
        items=items, total=total, page=review_view.clamp_page(page, total), pages=review_view.page_count(total)
    )


def _criteria_record(session: Session, username: str) -> str:
    user_id = session.exec(select(User.id).where(User.username == username)).first()
    return verification.pass_rate_label(session, user_id) if user_id is not None else ""
