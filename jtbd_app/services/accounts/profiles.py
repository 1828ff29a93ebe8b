"""Public profiles, and their editing by the owner alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from jtbd_app.domain import text
from jtbd_app.domain.display import percent_label, rating_label
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.domain.money import CURRENCIES, Money, amount_input, parse_amount
from jtbd_app.domain.skills import normalise_skill, normalise_skills
from jtbd_app.models import Contract, Profile, ProfileSkill, Skill, User, utcnow
from jtbd_app.services.accounts import profile_photos
from jtbd_app.services.accounts.skill_tags import skill_ids
from jtbd_app.services.viewer import Viewer, require_active

MAX_LINKS = 10
MAX_HOURLY_MINOR = 100_000_00  # 100,000 per hour is beyond any real rate


@dataclass
class PublicProfile:
    """What anyone may see of a member (no email, no secrets)."""

    username: str = ""
    display_name: str = ""
    bio: str = ""
    location: str = ""
    remote: bool = True
    hourly_rate: str = ""
    hourly_rate_input: str = ""
    currency: str = "USD"
    skills: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    member_since: str = ""
    suspended: bool = False
    suspended_reason: str = ""  # filled only for the member themself and admins (see `public_profile`)
    is_admin: bool = False
    # The track record, kept by contract completion and review publishing.
    rating: str = ""  # "4.8 (12)", or "Not rated yet"
    review_count: int = 0
    completed_contracts: int = 0
    on_time_rate: str = "—"  # "92%": share of the contracts completed as contractor delivered by the due date
    hidden: bool = False  # hidden by the moderators: others see only the name
    photo_url: str = ""  # the large square of the member's photo, "" without one (or when hidden)


def public_profile(session: Session, *, username: object, viewer: Viewer | None = None) -> PublicProfile:
    """What anyone may see of a user's profile; the reason of a suspension only the member and admins see."""
    name = username.strip().lower() if isinstance(username, str) else ""
    row = session.exec(
        select(User, Profile)
        .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .where(User.username == name)
    ).first()
    if row is None:
        raise NotFound("There is no member with that username.")
    user, profile = row
    assert user.id is not None
    rate = (
        Money(profile.hourly_rate_minor, profile.currency).format() + "/hour"
        if profile.hourly_rate_minor is not None
        else ""
    )
    rate_input = (
        amount_input(profile.hourly_rate_minor, profile.currency) if profile.hourly_rate_minor is not None else ""
    )
    if profile.hidden_at is not None and not _may_see_suspension_reason(viewer, user):
        return PublicProfile(
            username=user.username, display_name=profile.display_name, hidden=True, rating="", on_time_rate=""
        )
    return PublicProfile(
        username=user.username,
        display_name=profile.display_name,
        bio=profile.bio,
        location=profile.location,
        remote=profile.remote,
        hourly_rate=rate,
        hourly_rate_input=rate_input,
        currency=profile.currency,
        skills=skills_of(session, user_id=user.id),
        links=[link for link in profile.portfolio_links.split("\n") if link],
        member_since=user.created_at.strftime("%B %Y"),
        suspended=user.status == "suspended",
        suspended_reason=user.suspended_reason if _may_see_suspension_reason(viewer, user) else "",
        is_admin=user.role == "admin",
        rating=rating_label(profile.rating_total, profile.rating_count) if profile.rating_count else "Not rated yet",
        review_count=profile.rating_count,
        completed_contracts=profile.completed_contracts,
        on_time_rate=percent_label(profile.on_time_contracts, _completed_as_contractor(session, user.id)),
        hidden=profile.hidden_at is not None,
        photo_url=profile_photos.photo_url(profile.photo_key) if profile.hidden_at is None else "",
    )


def _may_see_suspension_reason(viewer: Viewer | None, user: User) -> bool:
    """A suspension is public (others should know); why is between the member and the admins."""
    return viewer is not None and (viewer.user_id == user.id or viewer.is_admin)


def _completed_as_contractor(session: Session, user_id: int) -> int:
    """On-time rate counts only work this member delivered (not contracts they hired for)."""
    return int(
        session.exec(
            select(func.count()).where(Contract.contractor_id == user_id, Contract.status == "completed")
        ).one()
    )


def skills_of(session: Session, *, user_id: int) -> list[str]:
    return list(
        session.exec(
            select(Skill.name)
            .join(ProfileSkill, ProfileSkill.skill_id == Skill.id)  # type: ignore[arg-type]
            .where(ProfileSkill.user_id == user_id)
            .order_by(col(ProfileSkill.position))
        ).all()
    )


def update_profile(
    session: Session, *, viewer: Viewer | None, username: object, changes: dict[str, Any]
) -> PublicProfile:
    """The owner (and only the owner) saves their profile; every field is validated first."""
    actor = require_active(viewer)
    if not isinstance(username, str) or username.strip().lower() != actor.username:
        raise PermissionDenied("You can only edit your own profile.")
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}

    def check(name: str, fn: Any) -> None:
        try:
            clean[name] = fn(changes.get(name))
        except ValueError as exc:
            errors[name] = str(exc)

    check("display_name", lambda v: text.clean_line(v, label="Display name", max_len=80))
    check("bio", lambda v: text.clean_paragraphs(v, label="Bio", max_len=2000))
    check("location", lambda v: text.clean_line(v, label="Location", max_len=120, required=False))
    check("skills", normalise_skills)
    check("links", _clean_links)
    currency = changes.get("currency")
    if currency not in CURRENCIES:
        errors["currency"] = "Choose a supported currency."
    else:
        check("hourly_rate", lambda v: _clean_rate(v, str(currency)))
    remote = changes.get("remote")
    if not isinstance(remote, bool):
        errors["remote"] = "Say whether you work remotely."
    if not errors and not remote and not clean["location"]:
        errors["location"] = "Give a location, or choose remote."
    if errors:
        raise ValidationFailed(errors)

    profile = session.get(Profile, actor.user_id)
    assert profile is not None
    profile.display_name = clean["display_name"]
    profile.bio = clean["bio"]
    profile.location = clean["location"]
    profile.remote = bool(remote)
    profile.currency = str(currency)
    profile.hourly_rate_minor = clean["hourly_rate"]
    profile.portfolio_links = "\n".join(clean["links"])
    profile.updated_at = utcnow()
    session.add(profile)
    set_skills(session, user_id=actor.user_id, names=clean["skills"])
    return public_profile(session, username=actor.username, viewer=actor)


def set_skills(session: Session, *, user_id: int, names: list[str]) -> None:
    session.exec(delete(ProfileSkill).where(col(ProfileSkill.user_id) == user_id))  # type: ignore[call-overload]
    for position, skill_id in enumerate(skill_ids(session, names)):
        session.add(ProfileSkill(user_id=user_id, skill_id=skill_id, position=position))
    session.flush()


def suggest_skills(session: Session, *, prefix: object, limit: int = 8) -> list[str]:
    """Existing skills starting with (then containing) the prefix, most used first."""
    typed = prefix.strip() if isinstance(prefix, str) else ""
    try:
        needle = normalise_skill(typed) if typed else ""
    except ValueError:
        return []
    usage = func.count(col(ProfileSkill.user_id))
    query = (
        select(Skill.name, usage)
        .join(ProfileSkill, ProfileSkill.skill_id == Skill.id, isouter=True)  # type: ignore[arg-type]
        .group_by(col(Skill.name))
        .order_by(usage.desc(), col(Skill.name))
    )
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(col(Skill.name).like(f"%{escaped}%", escape="\\"))
    names = [name for name, _ in session.exec(query.limit(50)).all()]
    names.sort(key=lambda n: (not n.startswith(needle), 0))
    return names[:limit]


def _clean_links(value: object) -> list[str]:
    items = value if isinstance(value, list) else []
    links = [text.clean_url(item) for item in items if isinstance(item, str) and item.strip()]
    if len(links) > MAX_LINKS:
        raise ValueError(f"Add at most {MAX_LINKS} links.")
    return list(dict.fromkeys(links))


def _clean_rate(value: object, currency: str) -> int | None:
    raw = value.strip() if isinstance(value, str) else ""
    if not raw:
        return None
    minor = parse_amount(raw, currency)
    if minor > MAX_HOURLY_MINOR:
        raise ValueError("That hourly rate is beyond what we accept.")
    return minor
