"""The four kinds of content members report (a listing, a profile, a review, a message): who wrote it, whether a
reporter can see it, what a moderator reads of it, and hiding or restoring it.

Reports and moderation both come here, so the rules of each kind live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from jtbd_app.domain import moderation as words
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.domain.messages import excerpt
from jtbd_app.models import Listing, Message, MessageThread, Profile, Review, User, utcnow
from jtbd_app.services import live

GONE = "That content no longer exists."
SNIPPET = 300


@dataclass(frozen=True)
class Content:
    """One reported item as the services handle it."""

    kind: str
    subject_id: int
    author_id: int
    visible_to_all: bool  # a published review, a listing out of draft, any profile; a message is private
    party_ids: tuple[int, ...] = ()  # for a message: the two parties of its thread
    hidden: bool = False
    title: str = ""  # what the moderator reads first
    text: str = ""
    link: str = ""


def kind_of(value: object) -> str:
    if not isinstance(value, str) or value not in words.SUBJECT_KINDS:
        raise ValidationFailed({"form": "Choose what you are reporting."})
    return value


def find(session: Session, kind: str, subject: object) -> Content:
    """The item behind a report: a listing, review or message id; a profile by username (text, as a browser sends
    it) or by user id (an int, as the moderation queue holds it)."""
    if kind == "profile":
        return _profile(session, subject)
    sid = parse_id(subject, not_found=GONE)
    if kind == "listing":
        listing = session.get(Listing, sid)
        if listing is None or listing.status == "draft":
            raise NotFound(GONE)
        return Content(
            kind,
            sid,
            listing.owner_id,
            visible_to_all=listing.status != "hidden",
            hidden=listing.status == "hidden",
            title=listing.title,
            text=excerpt(listing.description, SNIPPET),
            link=f"/listings/{sid}",
        )
    if kind == "review":
        review = session.get(Review, sid)
        if review is None:
            raise NotFound(GONE)
        return Content(
            kind,
            sid,
            review.author_id,
            visible_to_all=review.published_at is not None and review.hidden_at is None,
            hidden=review.hidden_at is not None,
            title=f"A review, {review.rating} out of 5 stars",
            text=excerpt(review.body, SNIPPET),
            link=f"/contracts/{review.contract_id}",
        )
    message = session.get(Message, sid)
    thread = session.get(MessageThread, message.thread_id) if message is not None else None
    if message is None or thread is None:
        raise NotFound(GONE)
    return Content(
        kind,
        sid,
        message.sender_id,
        visible_to_all=False,
        party_ids=(thread.client_id, thread.provider_id),
        hidden=message.hidden_at is not None,
        title="A private message",
        text=excerpt(message.body, SNIPPET),
        link=f"/messages/{thread.id}",
    )


def _profile(session: Session, subject: object) -> Content:
    if isinstance(subject, str):  # from a browser: the username ("1234" is a username too)
        row = session.exec(
            select(User, Profile)
            .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
            .where(User.username == subject.strip().lower())
        ).first()
    else:
        uid = parse_id(subject, not_found=GONE)
        row = session.exec(
            select(User, Profile).join(Profile, Profile.user_id == User.id).where(User.id == uid)  # type: ignore[arg-type]
        ).first()
    if row is None:
        raise NotFound(GONE)
    user, profile = row
    assert user.id is not None
    return Content(
        "profile",
        user.id,
        user.id,
        visible_to_all=True,
        hidden=profile.hidden_at is not None,
        title=f"The profile of {profile.display_name} (@{user.username})",
        text=excerpt(profile.bio, SNIPPET) or "(no bio)",
        link=f"/u/{user.username}",
    )


def hide(session: Session, content: Content) -> None:
    """Take the item out of sight: a listing leaves search (its state is kept to return to), a review leaves the
    profile with its stars, a message shows a placeholder, a profile shows only the name."""
    if content.hidden:
        raise ValidationFailed({"form": "This content is already hidden."})
    now = utcnow()
    if content.kind == "listing":
        listing = session.get(Listing, content.subject_id)
        assert listing is not None
        listing.hidden_from, listing.status, listing.updated_at = listing.status, "hidden", now
        session.add(listing)
    elif content.kind == "review":
        review = session.get(Review, content.subject_id)
        assert review is not None
        review.hidden_at = now
        session.add(review)
        if review.published_at is not None:
            _count_stars(session, review, -1)
    elif content.kind == "message":
        message = session.get(Message, content.subject_id)
        assert message is not None
        message.hidden_at = now
        session.add(message)
    else:
        profile = session.get(Profile, content.subject_id)
        assert profile is not None
        profile.hidden_at = now
        session.add(profile)
    live.touch(session, live.user_topic(content.author_id))


def restore(session: Session, content: Content) -> None:
    """Undo `hide`: a listing returns to the state it was hidden from."""
    if not content.hidden:
        raise ValidationFailed({"form": "This content is not hidden."})
    if content.kind == "listing":
        listing = session.get(Listing, content.subject_id)
        assert listing is not None
        listing.status, listing.hidden_from, listing.updated_at = listing.hidden_from or "closed", "", utcnow()
        session.add(listing)
    elif content.kind == "review":
        review = session.get(Review, content.subject_id)
        assert review is not None
        review.hidden_at = None
        session.add(review)
        if review.published_at is not None:
            _count_stars(session, review, +1)
    elif content.kind == "message":
        message = session.get(Message, content.subject_id)
        assert message is not None
        message.hidden_at = None
        session.add(message)
    else:
        profile = session.get(Profile, content.subject_id)
        assert profile is not None
        profile.hidden_at = None
        session.add(profile)
    live.touch(session, live.user_topic(content.author_id))


def _count_stars(session: Session, review: Review, sign: int) -> None:
    """A hidden review's stars leave the subject's rating; restoring puts them back."""
    profile = session.exec(
        select(Profile)
        .where(Profile.user_id == review.subject_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    profile.rating_total = max(0, profile.rating_total + sign * review.rating)
    profile.rating_count = max(0, profile.rating_count + sign)
    session.add(profile)
