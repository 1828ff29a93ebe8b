"""Double-blind reviews after a completed contract.

Each party rates the other once, within `REVIEW_WINDOW_DAYS` of completion. Neither sees the other's stars
until both are in (both publish at once) or the window closes (the lone review publishes then), so
nobody can answer a rating with a rating. Published stars are added to the subject's profile exactly once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from jtbd_app.config import get_settings
from jtbd_app.domain import reviews as rules
from jtbd_app.domain.display import day_label
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.models import Contract, ContractEvent, Listing, Profile, Review, utcnow
from jtbd_app.services import live, scheduler
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.viewer import Viewer, require_active

CLOSE_WINDOW_JOB = "close_review_window"


def window_job_key(contract_id: int) -> str:
    return f"{CLOSE_WINDOW_JOB}:contract:{contract_id}"


def window_ends_at(contract: Contract) -> datetime | None:
    """When reviewing stops and a lone review is published; None before completion."""
    if contract.status != "completed" or contract.completed_at is None:
        return None
    return contract.completed_at + timedelta(days=get_settings().review_window_days)


def schedule_window_close(session: Session, contract: Contract) -> None:
    """Called by completion: a job publishes whatever review exists when the window closes (scheduled once)."""
    ends = window_ends_at(contract)
    if contract.id is None or ends is None:
        raise ValueError("only a completed contract has a review window")
    scheduler.schedule(
        session, key=window_job_key(contract.id), kind=CLOSE_WINDOW_JOB, run_at=ends, contract_id=contract.id
    )


def leave_review(
    session: Session,
    *,
    viewer: Viewer | None,
    contract_id: object,
    rating: object,
    body: object,
    now: datetime | None = None,
) -> None:
    """A party rates the other once; when both are in, both are published together."""
    actor = require_active(viewer)
    moment = now or utcnow()
    # The row lock makes the two parties' reviews take turns, so the second always sees the first.
    contract = find_contract(session, contract_id, lock=True)
    other_id = other_party(contract, actor.user_id)
    ends = window_ends_at(contract)
    if ends is None:
        raise ValidationFailed({"form": "You can leave a review once the contract is completed."})
    if moment >= ends:
        raise ValidationFailed({"form": f"The review window closed on {day_label(ends)}."})
    assert contract.id is not None
    if _review_by(session, contract.id, actor.user_id) is not None:
        raise ValidationFailed({"form": "You have already reviewed this contract; a review cannot be changed."})
    errors: dict[str, str] = {}
    clean_rating, clean_body = 0, ""
    try:
        clean_rating = rules.clean_rating(rating)
    except ValueError as exc:
        errors["rating"] = str(exc)
    try:
        clean_body = rules.clean_review_body(body)
    except ValueError as exc:
        errors["review"] = str(exc)
    if errors:
        raise ValidationFailed(errors)

    session.add(
        Review(
            contract_id=contract.id,
            author_id=actor.user_id,
            subject_id=other_id,
            rating=clean_rating,
            body=clean_body,
            created_at=moment,
        )
    )
    try:
        session.flush()
    except IntegrityError:  # a second tab won the race: the unique (contract, author) pair refused this one
        raise ValidationFailed(
            {"form": "You have already reviewed this contract; a review cannot be changed."}
        ) from None
    session.add(
        ContractEvent(
            contract_id=contract.id,
            actor_id=actor.user_id,
            kind="review_left",
            detail=f"{actor.display_name} left a review.",
        )
    )
    live.touch(session, live.contract_topic(contract.id))
    title = _listing_title(session, contract)
    both_in = _review_by(session, contract.id, other_id) is not None
    if not both_in:
        notify(
            session,
            user_id=other_id,
            kind="review_received",
            title=f"{actor.display_name} reviewed you on “{title}”",
            body=f"Leave your review by {day_label(ends)}: both appear together when both are in, or on that day.",
            link=f"/contracts/{contract.id}",
        )
        return
    _publish(session, contract, moment)
    for party in (contract.client_id, contract.contractor_id):
        notify(
            session,
            user_id=party,
            kind="reviews_published",
            title=f"Both reviews on “{title}” are published",
            body="They now show on your contract page and on your profiles.",
            link=f"/contracts/{contract.id}",
        )


def publish_due_reviews(session: Session, *, contract_id: int, now: datetime) -> int:
    """The window-close job: publish whatever review exists once the window has closed; safe to run again."""
    contract = session.get(Contract, contract_id, with_for_update=True)
    ends = window_ends_at(contract) if contract is not None else None
    if contract is None or ends is None or now < ends:
        return 0
    published = _publish(session, contract, now)
    title = _listing_title(session, contract)
    for review in published:
        author = session.get(Profile, review.author_id)
        notify(
            session,
            user_id=review.subject_id,
            kind="reviews_published",
            title=f"{author.display_name if author else 'A member'}'s review of you on “{title}” is published",
            body="The review window closed; the review now shows on your profile.",
            link=f"/contracts/{contract.id}",
        )
    return len(published)


def find_contract(session: Session, contract_id: object, *, lock: bool = False) -> Contract:
    contract = session.get(
        Contract, parse_id(contract_id, not_found="There is no such contract."), with_for_update=lock
    )
    if contract is None:
        raise NotFound("There is no such contract.")
    return contract


def other_party(contract: Contract, user_id: int) -> int:
    if user_id == contract.client_id:
        return contract.contractor_id
    if user_id == contract.contractor_id:
        return contract.client_id
    raise PermissionDenied("Only the client and the contractor of this contract can review it.")


def _review_by(session: Session, contract_id: int, author_id: int) -> Review | None:
    return session.exec(select(Review).where(Review.contract_id == contract_id, Review.author_id == author_id)).first()


def _publish(session: Session, contract: Contract, now: datetime) -> list[Review]:
    """Publish the contract's unpublished reviews; each one's stars count once, whoever publishes first."""
    published = []
    pending = session.exec(
        select(Review).where(Review.contract_id == contract.id, col(Review.published_at).is_(None))
    ).all()
    for review in pending:
        claimed = session.exec(  # type: ignore[call-overload]
            update(Review)
            .where(col(Review.id) == review.id, col(Review.published_at).is_(None))
            .values(published_at=now)
        )
        if claimed.rowcount != 1:
            continue
        session.exec(  # type: ignore[call-overload]
            update(Profile)
            .where(col(Profile.user_id) == review.subject_id)
            .values(rating_total=Profile.rating_total + review.rating, rating_count=Profile.rating_count + 1)
        )
        published.append(review)
    if published:
        assert contract.id is not None
        session.add(ContractEvent(contract_id=contract.id, kind="reviews_published", detail="Reviews published."))
        live.touch(session, live.contract_topic(contract.id))
    return published


def _listing_title(session: Session, contract: Contract) -> str:
    listing = session.get(Listing, contract.listing_id)
    return listing.title if listing is not None else "your contract"
