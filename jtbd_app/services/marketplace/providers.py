"""The provider directory: internal contractors found by text, skills, rating, rate, place and track record.

An internal contractor is an active member whose profile lists at least one skill or an hourly rate;
suspended members and bare accounts (no skill, no rate) are not listed. Anyone may search: cards carry
only what the public profile shows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Float, and_, case, cast, exists, func, literal, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from jtbd_app.domain.display import rating_label
from jtbd_app.domain.money import Money
from jtbd_app.domain.provider_query import REMOTE_CHOICES, SORTS, ProviderQuery
from jtbd_app.models import Profile, ProfileSkill, Skill, User

__all__ = [
    "PER_PAGE",
    "REMOTE_CHOICES",
    "SORTS",
    "ProviderCard",
    "ProviderPage",
    "ProviderQuery",
    "ProviderSearch",
    "search_from_form",
    "search_from_url",
    "search_providers",
]

PER_PAGE = 20
HEADLINE_LEN = 140


@dataclass
class ProviderCard:
    """One contractor in the directory: public facts only (no email, no private data)."""

    username: str = ""
    display_name: str = ""
    headline: str = ""
    skills: list[str] = field(default_factory=list)
    hourly_rate: str = ""
    rating: str = "No reviews yet"
    completed_contracts: int = 0
    remote: bool = True
    location: str = ""
    member_since: str = ""


@dataclass
class ProviderPage:
    cards: list[ProviderCard] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    per_page: int = PER_PAGE

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class ProviderSearch:
    """A directory search as the page shows it: the query that ran, its results, and a message per refused value."""

    query: ProviderQuery = field(default_factory=ProviderQuery)
    result: ProviderPage = field(default_factory=ProviderPage)
    errors: dict[str, str] = field(default_factory=dict)


def search_from_url(session: Session, *, params: Mapping[str, object]) -> ProviderSearch:
    """Public: the directory from its URL; a bad parameter is left out of the search and reported in `errors`."""
    query, errors = ProviderQuery.parse(params)
    return ProviderSearch(query=query, result=search_providers(session, query=query), errors=errors)


def search_from_form(session: Session, *, params: Mapping[str, object]) -> ProviderSearch:
    """Public: the directory from the typed filters; a bad value refuses the search (ValidationFailed)."""
    query = ProviderQuery.from_params(params)
    return ProviderSearch(query=query, result=search_providers(session, query=query))


def search_providers(session: Session, *, query: ProviderQuery) -> ProviderPage:
    """One page of contractors matching the query, in its sort order; three queries whatever the page size."""
    conditions = _conditions(query)
    total = session.exec(
        select(func.count()).select_from(User).join(Profile, _joined()).where(*conditions)  # type: ignore[arg-type]
    ).one()
    rows = session.exec(
        select(User, Profile)
        .join(Profile, _joined())  # type: ignore[arg-type]
        .where(*conditions)
        .order_by(*_order(query))
        .offset((query.page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    skills = _skills_of(session, user_ids=[user.id for user, _ in rows if user.id is not None])
    return ProviderPage(
        cards=[_card(user, profile, skills.get(user.id or 0, [])) for user, profile in rows],
        total=int(total),
        page=query.page,
        pages=math.ceil(total / PER_PAGE),
    )


def _joined() -> Any:
    return col(Profile.user_id) == col(User.id)


def _has_skill_like(pattern: str) -> ColumnElement[bool]:
    return exists(
        select(col(ProfileSkill.user_id))
        .join(Skill, col(Skill.id) == col(ProfileSkill.skill_id))
        .where(col(ProfileSkill.user_id) == col(User.id), col(Skill.name).like(pattern, escape="\\"))
    )


def _contains(column: Any, term: str) -> ColumnElement[bool]:
    """Case-insensitive substring match on any database; % _ and \\ in the term match literally."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _term_in_name_or_skill(term: str) -> ColumnElement[bool]:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(
        _contains(Profile.display_name, term),
        _contains(User.username, term),
        _has_skill_like(f"%{escaped}%"),
    )


def _conditions(query: ProviderQuery) -> list[Any]:
    listed = or_(
        exists(select(col(ProfileSkill.user_id)).where(col(ProfileSkill.user_id) == col(User.id))),
        col(Profile.hourly_rate_minor).is_not(None),
    )
    conditions: list[Any] = [col(User.status) == "active", col(Profile.hidden_at).is_(None), listed]
    if query.skills:
        has_all = (
            select(col(ProfileSkill.user_id))
            .join(Skill, col(Skill.id) == col(ProfileSkill.skill_id))
            .where(col(Skill.name).in_(query.skills))
            .group_by(col(ProfileSkill.user_id))
            .having(func.count(col(Skill.id).distinct()) == len(query.skills))
        )
        conditions.append(col(User.id).in_(has_all))
    for term in query.terms:
        conditions.append(or_(_term_in_name_or_skill(term), _contains(Profile.bio, term)))
    if query.location:
        conditions.append(_contains(Profile.location, query.location))
    if query.remote != "any":
        conditions.append(col(Profile.remote) == (query.remote == "remote"))
    if query.min_completed:
        conditions.append(col(Profile.completed_contracts) >= query.min_completed)
    if query.min_rating is not None:
        tenths = int(query.min_rating * 10)
        conditions.append(
            and_(col(Profile.rating_count) > 0, col(Profile.rating_total) * 10 >= tenths * col(Profile.rating_count))
        )
    if query.min_rate_minor is not None or query.max_rate_minor is not None:
        conditions += [col(Profile.currency) == query.currency, col(Profile.hourly_rate_minor).is_not(None)]
    if query.min_rate_minor is not None:
        conditions.append(col(Profile.hourly_rate_minor) >= query.min_rate_minor)
    if query.max_rate_minor is not None:
        conditions.append(col(Profile.hourly_rate_minor) <= query.max_rate_minor)
    return conditions


def _order(query: ProviderQuery) -> list[Any]:
    """Best match counts requested skills plus text hits (a name or skill hit counts double a bio hit)."""
    rating = case(
        (col(Profile.rating_count) > 0, cast(col(Profile.rating_total), Float) / col(Profile.rating_count)),
        else_=0.0,
    )
    tie_break = [col(Profile.completed_contracts).desc(), col(User.username)]
    if query.sort == "rating":
        return [rating.desc(), col(Profile.rating_count).desc(), *tie_break]
    if query.sort in ("price_low", "price_high"):
        rate = col(Profile.hourly_rate_minor)
        return [
            case((rate.is_(None), 1), else_=0),
            case((col(Profile.currency) == query.currency, 0), else_=1),
            col(Profile.currency),
            rate.asc() if query.sort == "price_low" else rate.desc(),
            col(User.username),
        ]
    score: Any = literal(len(query.skills))
    for term in query.terms:
        score = score + case((_term_in_name_or_skill(term), 2), else_=1)
    return [score.desc(), rating.desc(), *tie_break]


def _skills_of(session: Session, *, user_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    if not user_ids:
        return found
    rows = session.exec(
        select(ProfileSkill.user_id, Skill.name)
        .join(Skill, col(Skill.id) == col(ProfileSkill.skill_id))
        .where(col(ProfileSkill.user_id).in_(user_ids))
        .order_by(col(ProfileSkill.user_id), col(ProfileSkill.position))
    ).all()
    for user_id, name in rows:
        found[user_id].append(name)
    return found


def _card(user: User, profile: Profile, skills: list[str]) -> ProviderCard:
    rate = ""
    if profile.hourly_rate_minor is not None:
        rate = Money(profile.hourly_rate_minor, profile.currency).format() + "/hour"
    return ProviderCard(
        username=user.username,
        display_name=profile.display_name,
        headline=headline(profile.bio),
        skills=skills,
        hourly_rate=rate,
        rating=rating_label(profile.rating_total, profile.rating_count),
        completed_contracts=profile.completed_contracts,
        remote=profile.remote,
        location=profile.location,
        member_since=user.created_at.strftime("%B %Y"),
    )


def headline(bio: str) -> str:
    """The bio's opening as one line of plain text, cut at a word boundary."""
    text = " ".join(bio.split())
    if len(text) <= HEADLINE_LEN:
        return text
    cut = text[: HEADLINE_LEN - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"
