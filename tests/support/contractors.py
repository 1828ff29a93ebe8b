"""Members with a filled-in contractor profile, for the tiers that search the provider directory."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from jtbd_app.models import Profile, User
from jtbd_app.services.accounts import profiles


@dataclass(frozen=True)
class ContractorProfile:
    skills: tuple[str, ...] = ()
    rate_minor: int | None = None
    currency: str = "USD"
    rating: tuple[int, int] = (0, 0)  # (sum of stars, number of reviews)
    completed: int = 0
    remote: bool = True
    location: str = ""
    bio: str = ""
    name: str = ""


def fill_profile(session: Session, user: User, spec: ContractorProfile) -> None:
    """Give an existing member the contractor profile `spec` describes."""
    assert user.id is not None
    profile = session.get(Profile, user.id)
    assert profile is not None
    profile.hourly_rate_minor, profile.currency = spec.rate_minor, spec.currency
    profile.rating_total, profile.rating_count = spec.rating
    profile.completed_contracts = spec.completed
    profile.remote, profile.location, profile.bio = spec.remote, spec.location, spec.bio
    if spec.name:
        profile.display_name = spec.name
    session.add(profile)
    profiles.set_skills(session, user_id=user.id, names=list(spec.skills))
