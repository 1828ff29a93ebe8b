"""One-time links mailed to a member: issued with a purpose and a lifetime, found again only by their token."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from jtbd_app.models import AccountLink, utcnow
from jtbd_app.services.tokens import token_hash

PURPOSES = ("reset_password", "verify_email", "link_identity", "confirm_signup")


def issue_link(
    session: Session,
    *,
    user_id: int,
    purpose: str,
    lifetime: timedelta,
    now: datetime,
    provider: str = "",
    subject: str = "",
) -> str:
    """A new token for the link; only its hash is stored (with the identity a link_identity link connects)."""
    assert purpose in PURPOSES
    token = secrets.token_urlsafe(32)
    session.add(
        AccountLink(
            token_hash=token_hash(token),
            user_id=user_id,
            purpose=purpose,
            created_at=now,
            expires_at=now + lifetime,
            provider=provider,
            subject=subject,
        )
    )
    return token


def issued_within(session: Session, *, user_id: int, purpose: str, since: datetime) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(AccountLink)
            .where(AccountLink.user_id == user_id, AccountLink.purpose == purpose, col(AccountLink.created_at) > since)
        ).one()
    )


def ever_issued(session: Session, *, user_id: int, purpose: str) -> bool:
    found = session.exec(
        select(AccountLink.token_hash).where(AccountLink.user_id == user_id, AccountLink.purpose == purpose).limit(1)
    ).first()
    return found is not None


def usable_link(
    session: Session, *, token: object, purpose: str | tuple[str, ...], now: datetime | None = None
) -> AccountLink | None:
    """The unused, unexpired link of this purpose (or one of these) behind the token, if any (anything malformed is
    none)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    link = session.get(AccountLink, token_hash(token))
    purposes = (purpose,) if isinstance(purpose, str) else purpose
    if link is None or link.purpose not in purposes or link.used_at is not None or link.expires_at <= (now or utcnow()):
        return None
    return link


def spend_links(session: Session, *, user_id: int, purpose: str | tuple[str, ...], now: datetime) -> None:
    """Mark every open link of this purpose (or these) used, so that only one of them ever works."""
    purposes = (purpose,) if isinstance(purpose, str) else purpose
    session.exec(  # type: ignore[call-overload]
        update(AccountLink)
        .where(
            col(AccountLink.user_id) == user_id,
            col(AccountLink.purpose).in_(purposes),
            col(AccountLink.used_at).is_(None),
        )
        .values(used_at=now)
    )
