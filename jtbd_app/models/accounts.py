"""Accounts: users, profiles, skills, sign-in sessions and terms; Public variants never carry a secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    username: str = Field(max_length=30, unique=True, index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    role: str = Field(default="user", max_length=16)  # user | admin
    status: str = Field(default="active", max_length=16)  # active | suspended
    suspended_reason: str = Field(default="", max_length=500)
    email_verified_at: datetime | None = ts(nullable=True)  # mail goes only to confirmed addresses
    created_at: datetime = ts()


class Profile(SQLModel, table=True):
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    display_name: str = Field(max_length=80)
    bio: str = Field(default="", sa_type=Text)
    location: str = Field(default="", max_length=120)
    remote: bool = Field(default=True)
    hourly_rate_minor: int | None = Field(default=None)
    currency: str = Field(default="USD", max_length=3)
    portfolio_links: str = Field(default="", sa_type=Text)  # newline-separated http(s) links
    # Track record, kept by the services that complete contracts and publish reviews (never typed in).
    rating_total: int = Field(default=0)  # sum of published review stars
    rating_count: int = Field(default=0, index=True)
    completed_contracts: int = Field(default=0, index=True)
    on_time_contracts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # completed by the due date
    updated_at: datetime = ts()
    hidden_at: datetime | None = ts(nullable=True)  # hidden by the moderators: others see only the name
    # The profile photo: a random key naming its re-encoded squares on disk (services/accounts/profile_photos); ""
    # for none. A new photo gets a new key, so its address changes and nothing stale is served under it.
    photo_key: str = Field(default="", max_length=64, index=True, sa_column_kwargs={"server_default": ""})
    # The first-run checklist on the dashboard, dismissed by the member before it was done.
    onboarding_dismissed_at: datetime | None = ts(nullable=True)


class Skill(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True, index=True)


class ProfileSkill(SQLModel, table=True):
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    skill_id: int = Field(foreign_key="skill.id", primary_key=True, index=True)
    position: int = Field(default=0)


class AuthSession(SQLModel, table=True):
    """A server-side sign-in; the browser holds only its random token in an HttpOnly cookie."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = ts()
    expires_at: datetime = ts()
    revoked_at: datetime | None = ts(nullable=True)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)


class LoginGrant(SQLModel, table=True):
    """A one-time, short-lived ticket that hands a sign-in from the websocket to the cookie route."""

    token_hash: str = Field(max_length=64, primary_key=True)
    # The hash of the nonce the issuing browser keeps in a cookie; redemption needs both (no login CSRF).
    browser_nonce_hash: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    user_id: int = Field(foreign_key="user.id")
    expires_at: datetime = ts()
    used_at: datetime | None = ts(nullable=True)


class LoginThrottle(SQLModel, table=True):
    key: str = Field(max_length=400, primary_key=True)  # "user:<id>|address", or "identifier|address" if unknown
    failures: int = Field(default=0)
    window_started_at: datetime = ts()
    locked_until: datetime | None = ts(nullable=True)


class OAuthIdentity(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("provider", "subject"),)
    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(max_length=32)
    subject: str = Field(max_length=255)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = ts()


class OAuthFlow(SQLModel, table=True):
    """A pending OIDC sign-in: its state, nonce and PKCE verifier, used once."""

    state: str = Field(max_length=64, primary_key=True)
    provider: str = Field(max_length=32)
    nonce: str = Field(max_length=64)
    code_verifier: str = Field(max_length=128)
    created_at: datetime = ts()
    used_at: datetime | None = ts(nullable=True)


class TermsVersion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(unique=True, index=True)
    title: str = Field(max_length=200)
    body: str = Field(sa_type=Text)  # markdown without HTML (refused on publishing, rendered without raw HTML)
    summary: str = Field(default="", max_length=300)  # what changed, in the publishing admin's words
    published_at: datetime = ts()


class TermsAcceptance(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "terms_version_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    terms_version_id: int = Field(foreign_key="termsversion.id")
    accepted_at: datetime = ts()


class UserPublic(SQLModel):
    """What anyone may see of a user."""

    id: int
    username: str
    display_name: str
    role: str
    status: str


class AccountLink(SQLModel, table=True):
    """A one-time, short-lived link mailed to a member (reset a password, confirm an email address).

    Only the token's hash is kept; the link itself exists only in the member's mailbox.
    """

    token_hash: str = Field(max_length=64, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    purpose: str = Field(max_length=16)  # reset_password | verify_email | link_identity
    # For link_identity: the provider identity the member is asked to connect to their account.
    provider: str = Field(default="", max_length=32, sa_column_kwargs={"server_default": ""})
    subject: str = Field(default="", max_length=255, sa_column_kwargs={"server_default": ""})
    created_at: datetime = ts()
    expires_at: datetime = ts()
    used_at: datetime | None = ts(nullable=True)
