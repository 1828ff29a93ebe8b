"""Contractors for a micro-task: the directory's members read in a few queries, scored by `domain.matching`.

Who is a candidate is the directory's rule (`services/marketplace/providers`): an active member whose profile
lists a skill or an hourly rate. Their track record counts only contracts they completed as the contractor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import case, exists, func, or_
from sqlmodel import Session, col, select

from jtbd_app.domain import matching
from jtbd_app.domain.display import rating_label
from jtbd_app.domain.matching import Candidate, Need
from jtbd_app.domain.money import CURRENCIES, Money
from jtbd_app.models import Contract, Listing, Profile, ProfileSkill, Skill, User
from jtbd_app.services.contracts import verification

__all__ = ["Candidate", "Need", "RankedMatch", "candidates", "rank"]

PAST_WORK_TITLES = 20  # the most recent completed contracts whose titles and skills count as past work


@dataclass(frozen=True)
class RankedMatch:
    """One contractor suggested for a micro-task, with why, as the plan page shows it (public facts only)."""

    user_id: int
    username: str
    display_name: str
    score: float
    reason: str
    rating: str  # "4.8 (12)", or "No reviews yet"
    completed: int  # contracts completed as the contractor
    hourly_rate: str = ""  # "$45.00/hour"
    location: str = ""


@dataclass
class _Record:
    """A member's contracts completed as the contractor: how many, how many on time of those known, their titles."""

    completed: int = 0
    on_time: int = 0
    known: int = 0
    work: list[str] = field(default_factory=list)


def rank(session: Session, *, need: Need, limit: int = 10, exclude_user_ids: Collection[int] = ()) -> list[RankedMatch]:
    """The best `limit` contractors for `need`, best first, leaving out `exclude_user_ids` (the client, say)."""
    found, ratings = _load(session, exclude_user_ids)
    return [
        RankedMatch(
            user_id=c.user_id,
            username=c.username,
            display_name=c.display_name,
            score=m.score,
            reason=m.reason,
            rating=ratings[c.user_id],
            completed=c.completed,
            hourly_rate=_rate_label(c),
            location=c.location,
        )
        for c, m in matching.rank(need, found, limit)
    ]


def candidates(session: Session, *, exclude_user_ids: Collection[int] = ()) -> list[Candidate]:
    """Every member the directory lists, as matching sees them, but those in `exclude_user_ids`."""
    return _load(session, exclude_user_ids)[0]


def _load(session: Session, exclude_user_ids: Collection[int]) -> tuple[list[Candidate], dict[int, str]]:
    """Four reads whatever the number of members: profiles, skills, track records, criteria pass rates."""
    listed = or_(
        exists(select(col(ProfileSkill.user_id)).where(col(ProfileSkill.user_id) == col(User.id))),
        col(Profile.hourly_rate_minor).is_not(None),
    )
    rows = session.exec(  # type: ignore[call-overload]
        select(col(User.id), col(User.username))
        .add_columns(col(Profile.display_name), col(Profile.bio), col(Profile.rating_total), col(Profile.rating_count))
        .add_columns(col(Profile.hourly_rate_minor), col(Profile.currency), col(Profile.location), col(Profile.remote))
        .join(Profile, col(Profile.user_id) == col(User.id))
        .where(col(User.status) == "active", listed)
        .order_by(col(User.id))
    ).all()  # columns, not Profile objects: building 10,000 ORM objects cost more than the query
    excluded = set(exclude_user_ids)
    members = [row for row in rows if row[0] and row[0] not in excluded]
    skills = _skills(session)
    records = _records(session)
    passes = _criteria_pass_rates(session, [row[0] for row in members if row[0]])
    found: list[Candidate] = []
    ratings: dict[int, str] = {}
    for user_id, username, name, bio, rating_total, rating_count, rate, currency, location, remote in members:
        assert user_id is not None
        record = records.get(user_id, _Record())
        found.append(
            Candidate(
                user_id=user_id,
                username=username,
                display_name=name,
                skills=frozenset(skills.get(user_id, ())),
                profile_text=bio,
                rating_avg=rating_total / rating_count if rating_count else None,
                rating_count=rating_count,
                completed=record.completed,
                on_time_rate=record.on_time / record.known if record.known else None,
                criteria_pass_rate=passes.get(user_id),
                hourly_rate_minor=rate,
                currency=currency,
                location=location,
                remote=remote,
                past_work=" ".join(record.work),
            )
        )
        ratings[user_id] = rating_label(rating_total, rating_count)
    return found, ratings


def _skills(session: Session) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.exec(
        select(ProfileSkill.user_id, Skill.name)
        .join(Skill, col(Skill.id) == col(ProfileSkill.skill_id))
        .join(User, col(User.id) == col(ProfileSkill.user_id))
        .where(col(User.status) == "active")
    ).all()
    for user_id, name in rows:
        found[user_id].append(name)
    return found


def _records(session: Session) -> dict[int, _Record]:
    """Completed contracts per contractor, and whether each was on time.

    `Contract.on_time` is set when a contract completes: its first delivery came in by the due date. Contracts
    completed before that was recorded (NULL) count as completed but not towards the on-time rate.
    """
    records: dict[int, _Record] = defaultdict(_Record)
    counts = session.exec(
        select(
            Contract.contractor_id,
            func.count(),
            func.sum(case((col(Contract.on_time).is_(True), 1), else_=0)),
            func.count(col(Contract.on_time)),
        )
        .where(col(Contract.status) == "completed")
        .group_by(col(Contract.contractor_id))
    ).all()
    for contractor_id, completed, on_time, known in counts:
        records[contractor_id] = _Record(completed=int(completed), on_time=int(on_time or 0), known=int(known))
    work = session.exec(
        select(Contract.contractor_id, Listing.title, Listing.skills_text)
        .join(Listing, col(Listing.id) == col(Contract.listing_id))
        .where(col(Contract.status) == "completed")
        .order_by(col(Contract.contractor_id), col(Contract.completed_at).desc(), col(Contract.id).desc())
    ).all()
    for contractor_id, title, skills_text in work:
        titles = records[contractor_id].work
        if len(titles) < PAST_WORK_TITLES:
            titles.append(f"{title} {skills_text.replace(',', ' ')}")
    return records


def _criteria_pass_rates(session: Session, user_ids: list[int]) -> dict[int, float]:
    """Each contractor's share of acceptance criteria their deliveries met, 0..1 (`contracts.verification`: on
    completed micro-task contracts, the client's verdict winning); members with nothing checked are left out
    (neutral in the score)."""
    return verification.pass_rates(session, user_ids)


def _rate_label(c: Candidate) -> str:
    if c.hourly_rate_minor is None or c.currency not in CURRENCIES:
        return ""
    return Money(c.hourly_rate_minor, c.currency).format() + "/hour"
