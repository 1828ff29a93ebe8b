"""Which member a provider identity signs in as, and how it gets connected to an existing account.

An identity is connected to an existing account only with proof from that account: the browser is signed in to
it when the provider sign-in completes, or the account's owner opens a link mailed to its address. A provider's
word about an email address never is that proof. Provider sign-in never opens an admin session.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel import Session, col, select

from jtbd_app.domain import text
from jtbd_app.domain.errors import DomainError, ExternalSignInFailed
from jtbd_app.models import OAuthIdentity, User, utcnow
from jtbd_app.services import mail
from jtbd_app.services.accounts import membership, sign_in
from jtbd_app.services.accounts.mailed_links import issue_link, issued_within, spend_links, usable_link
from jtbd_app.services.ports import ExternalIdentity
from jtbd_app.services.viewer import Viewer, require_viewer

PURPOSE = "link_identity"
LINK_LIFETIME = timedelta(hours=1)
MAX_LINKS_PER_HOUR = 3
ADMIN_REFUSED = "Admin accounts sign in with their password only, not through a sign-in provider."
SIGN_IN_FIRST = (
    "An account with this email address already exists. Sign in to it first (with your password, or the way you "
    "signed in before), then connect this provider from Settings."
)
MAILED = (
    "An account with this email address already exists. We mailed that address a link: open it to connect the "
    "provider to the account and sign in."
)
BAD_LINK = "This link is invalid, used or expired. Sign in with the provider again to get a new one."


@dataclass(frozen=True)
class Outcome:
    """`signed_in`: open a session for `user`; `connected`: the signed-in `user` got the identity;
    `mailed`: nobody signs in, the owner of the address was mailed a link to connect it."""

    kind: Literal["signed_in", "connected", "mailed"]
    user: User


@dataclass(frozen=True)
class Mailing:
    """What a mailed link needs: where the app lives, and the provider's name as people know it."""

    app_url: str
    provider_label: str
    enabled: bool


def resolve(session: Session, *, identity: ExternalIdentity, viewer: Viewer | None, mailing: Mailing) -> Outcome:
    """The linked member; else connect to the signed-in member; else a new member, or a mail to the owner."""
    if not identity.subject or len(identity.subject) > 255:
        raise ExternalSignInFailed("the provider gave no usable subject")
    linked = _linked_user(session, provider=identity.provider, subject=identity.subject)
    if linked is not None:
        return _returning(linked, viewer)
    if viewer is not None:
        return Outcome("connected", _connect(session, user_id=viewer.user_id, identity=identity))
    email = _verified_email(identity)
    owner = session.exec(select(User).where(User.email == email)).first()
    if owner is None:
        return Outcome("signed_in", _new_member(session, identity=identity, email=email))
    _refuse_admin(owner)
    if not mailing.enabled:
        raise ExternalSignInFailed(
            "the email belongs to an existing account and mail is off",
            code="oidc-sign-in-first",
            message=SIGN_IN_FIRST,
        )
    _mail_link(session, owner=owner, identity=identity, mailing=mailing, now=utcnow())
    return Outcome("mailed", owner)


def confirm_mailed_link(session: Session, *, token: object, now: datetime | None = None) -> sign_in.IssuedGrant:
    """The owner opened the mailed link: connect the identity and hand this browser a sign-in grant."""
    now = now or utcnow()
    link = usable_link(session, token=token, purpose=PURPOSE, now=now)
    if link is None or not link.provider or not link.subject:
        raise DomainError(BAD_LINK)
    user = session.get(User, link.user_id)
    assert user is not None and user.id is not None
    if user.role == "admin":
        raise DomainError(ADMIN_REFUSED)
    linked = _linked_user(session, provider=link.provider, subject=link.subject)
    if linked is not None and linked.id != user.id:
        raise DomainError("That sign-in is already connected to another account.")
    if linked is None:
        session.add(OAuthIdentity(provider=link.provider, subject=link.subject, user_id=user.id))
    if user.email_verified_at is None:
        user.email_verified_at = now  # the link reached this mailbox: the address is the member's
        session.add(user)
    spend_links(session, user_id=user.id, purpose=PURPOSE, now=now)
    session.flush()
    return sign_in.issue_login_grant(session, user=user)


def pending_link_provider(session: Session, *, token: object) -> str:
    """The provider slug a usable mailed link would connect, or "" (for the page before the click)."""
    link = usable_link(session, token=token, purpose=PURPOSE)
    return link.provider if link is not None else ""


def connected_providers(session: Session, *, viewer: Viewer | None) -> set[str]:
    """The slugs of the providers connected to the viewer's own account."""
    actor = require_viewer(viewer)
    return set(session.exec(select(OAuthIdentity.provider).where(OAuthIdentity.user_id == actor.user_id)).all())


def _linked_user(session: Session, *, provider: str, subject: str) -> User | None:
    link = session.exec(
        select(OAuthIdentity).where(OAuthIdentity.provider == provider, OAuthIdentity.subject == subject)
    ).first()
    return session.get(User, link.user_id) if link is not None else None


def _returning(user: User, viewer: Viewer | None) -> Outcome:
    if viewer is not None and viewer.user_id != user.id:
        raise ExternalSignInFailed(
            "the identity is linked to another member than the signed-in one",
            code="oidc-taken",
            message="That provider account is already connected to another member.",
        )
    _refuse_admin(user)
    return Outcome("connected" if viewer is not None else "signed_in", user)


def _refuse_admin(user: User) -> None:
    if user.role == "admin":
        raise ExternalSignInFailed("provider sign-in into an admin account", code="oidc-admin", message=ADMIN_REFUSED)


def _connect(session: Session, *, user_id: int, identity: ExternalIdentity) -> User:
    """The signed-in member proves the account; the provider sign-in proves the identity."""
    user = session.get(User, user_id)
    assert user is not None
    _refuse_admin(user)
    session.add(OAuthIdentity(provider=identity.provider, subject=identity.subject, user_id=user_id))
    session.flush()
    return user


def _verified_email(identity: ExternalIdentity) -> str:
    """The identity's email, if the provider shared one and confirmed it (else no account is found or made)."""
    try:
        email = text.clean_email(identity.email)
    except ValueError:
        email = ""
    if not email:
        raise ExternalSignInFailed(
            "no email from the provider",
            code="oidc-no-email",
            message="That provider did not share an email address, which your account needs.",
        )
    if not identity.email_verified:
        # Never create an account for an email nobody proved they own (pre-account hijacking).
        raise ExternalSignInFailed(
            "unverified email",
            code="oidc-unverified",
            message="That provider has not confirmed your email address. Confirm it there, or sign in with a password.",
        )
    return email


def _new_member(session: Session, *, identity: ExternalIdentity, email: str) -> User:
    """A new member (role user, whatever the address) whose email the provider has verified."""
    user = membership.create_user(
        session,
        email=email,
        username=_free_username(session, text.username_from(identity.preferred_username, email, identity.name)),
        display_name=_display_name(identity.name) or text.username_from(identity.preferred_username, email),
        password_hash=None,
    )
    assert user.id is not None
    user.email_verified_at = utcnow()
    session.add(user)
    session.add(OAuthIdentity(provider=identity.provider, subject=identity.subject, user_id=user.id))
    session.flush()
    return user


def _mail_link(session: Session, *, owner: User, identity: ExternalIdentity, mailing: Mailing, now: datetime) -> None:
    """Mail the account's owner a one-hour link that connects this identity (at most 3 an hour)."""
    assert owner.id is not None
    if issued_within(session, user_id=owner.id, purpose=PURPOSE, since=now - timedelta(hours=1)) >= MAX_LINKS_PER_HOUR:
        return
    token = issue_link(
        session,
        user_id=owner.id,
        purpose=PURPOSE,
        lifetime=LINK_LIFETIME,
        now=now,
        provider=identity.provider,
        subject=identity.subject,
    )
    link = f"{mailing.app_url.rstrip('/')}/connect-sign-in?token={token}"
    body = (
        f"Someone signed in with {mailing.provider_label} using this address ({owner.email}).\n\n"
        f"If it was you, open this link within the hour to connect {mailing.provider_label} to your "
        f"JTBD Marketplace account and sign in: {link}\n\n"
        "If it was not you, ignore this mail: nothing is connected."
    )
    mail.queue_mail(session, to=owner.email, subject=f"Connect {mailing.provider_label} to your account", body=body)


def _display_name(value: str) -> str:
    cleaned = re.sub(r"\s+", " ", text.MARKUP_RE.sub("", text.CONTROL_RE.sub("", value or ""))).strip()
    return cleaned[:80].strip()


def _free_username(session: Session, base: str) -> str:
    """`base`, or `base-2` ... `base-9`, or `base-<random>` when those are taken."""
    candidates = [base, *(f"{base[:24]}-{n}" for n in range(2, 10)), f"{base[:20]}-{secrets.token_hex(3)}"]
    taken = set(session.exec(select(User.username).where(col(User.username).in_(candidates))).all())
    return next(c for c in candidates if c not in taken)
