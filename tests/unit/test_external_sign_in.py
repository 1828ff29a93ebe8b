"""Rules of signing in through an outside provider, with a fake provider that records what it was asked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, func, select

from jtbd_app.domain.errors import DomainError, ExternalSignInFailed
from jtbd_app.domain.text import username_from
from jtbd_app.models import (
    AccountLink,
    AuthSession,
    LoginGrant,
    OAuthFlow,
    OAuthIdentity,
    OutgoingMail,
    Profile,
    TermsAcceptance,
    User,
    utcnow,
)
from jtbd_app.services.accounts import external_sign_in, identity_links, membership, sign_in
from jtbd_app.services.ports import ExternalIdentity
from jtbd_app.services.viewer import Viewer, viewer_from_token

REDIRECT_URI = "https://app.example/api/auth/oidc/oidc/callback"
ADA = ExternalIdentity(
    provider="oidc",
    subject="sub-ada",
    email="ada@example.com",
    email_verified=True,
    name="Ada Lovelace",
    preferred_username="ada.lovelace",
)


@dataclass
class FakeIdentityProvider:
    """Answers with `identity` (or raises `failure`) and records every call."""

    identity: ExternalIdentity = ADA
    failure: ExternalSignInFailed | None = None
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    async def authorization_url(self, *, state: str, nonce: str, code_verifier: str, redirect_uri: str) -> str:
        self.calls.append(("authorization_url", {"state": state, "nonce": nonce, "code_verifier": code_verifier}))
        if self.failure:
            raise self.failure
        return f"https://idp.example/authorize?state={state}"

    async def complete(self, *, code: str, code_verifier: str, nonce: str, redirect_uri: str) -> ExternalIdentity:
        self.calls.append(
            ("complete", {"code": code, "code_verifier": code_verifier, "nonce": nonce, "redirect_uri": redirect_uri})
        )
        if self.failure:
            raise self.failure
        return self.identity


@pytest.fixture
def db() -> Iterator[Session]:
    engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def count(db: Session, table: type[SQLModel]) -> int:
    return int(db.exec(select(func.count()).select_from(table)).one())


async def started(db: Session, provider: FakeIdentityProvider, slug: str = "oidc") -> str:
    start = await external_sign_in.begin(db, provider_slug=slug, provider=provider, redirect_uri=REDIRECT_URI)
    db.commit()
    return start.state


MAIL_OFF = identity_links.Mailing("https://app.example", "Local SSO", enabled=False)
MAIL_ON = identity_links.Mailing("https://app.example", "Local SSO", enabled=True)


async def outcome_of(
    db: Session,
    provider: FakeIdentityProvider,
    state: str,
    *,
    viewer: Viewer | None = None,
    mailing: identity_links.Mailing = MAIL_OFF,
) -> identity_links.Outcome:
    return await external_sign_in.finish(
        db,
        provider_slug="oidc",
        state=state,
        code="the-code",
        browser_state=state,
        provider=provider,
        redirect_uri=REDIRECT_URI,
        viewer=viewer,
        mailing=mailing,
    )


async def finish(db: Session, provider: FakeIdentityProvider, state: str) -> User:
    """A provider sign-in that must sign someone in; returns whom."""
    outcome = await outcome_of(db, provider, state)
    assert outcome.kind == "signed_in"
    return outcome.user


def password_user(db: Session, email: str, username: str, role: str = "user") -> User:
    user = membership.create_user(db, email=email, username=username, display_name=username, password_hash="x")
    user.role = role
    db.add(user)
    db.commit()
    return user


def viewer_of(user: User) -> Viewer:
    assert user.id is not None
    return Viewer(user.id, user.username, user.username, user.role, user.status)


# begin ---------------------------------------------------------------------------------------------------------


async def test_begin_stores_a_one_time_flow_and_returns_the_providers_url(db: Session) -> None:
    provider = FakeIdentityProvider()

    start = await external_sign_in.begin(db, provider_slug="oidc", provider=provider, redirect_uri=REDIRECT_URI)

    flow = db.get(OAuthFlow, start.state)
    assert flow is not None and flow.provider == "oidc" and flow.used_at is None
    assert start.url == f"https://idp.example/authorize?state={start.state}"
    asked = provider.calls[0][1]
    assert asked == {"state": flow.state, "nonce": flow.nonce, "code_verifier": flow.code_verifier}
    assert len({flow.state, flow.nonce, flow.code_verifier}) == 3 and len(flow.code_verifier) >= 43


async def test_begin_stores_nothing_when_the_provider_cannot_be_reached(db: Session) -> None:
    provider = FakeIdentityProvider(failure=ExternalSignInFailed("oidc: discovery timed out"))

    with pytest.raises(ExternalSignInFailed):
        await external_sign_in.begin(db, provider_slug="oidc", provider=provider, redirect_uri=REDIRECT_URI)

    assert count(db, OAuthFlow) == 0


async def test_begin_forgets_flows_older_than_a_day(db: Session) -> None:
    db.add(
        OAuthFlow(state="old", provider="oidc", nonce="n", code_verifier="v", created_at=utcnow() - timedelta(days=2))
    )
    db.commit()

    await started(db, FakeIdentityProvider())

    assert db.get(OAuthFlow, "old") is None and count(db, OAuthFlow) == 1


# finish: who signs in ------------------------------------------------------------------------------------------


async def test_a_new_person_gets_an_account_linked_to_the_identity(db: Session) -> None:
    provider = FakeIdentityProvider()
    state = await started(db, provider)

    user = await finish(db, provider, state)

    assert (user.email, user.username, user.password_hash) == ("ada@example.com", "ada-lovelace", None)
    profile = db.get(Profile, user.id)
    assert profile is not None and profile.display_name == "Ada Lovelace"
    link = db.exec(select(OAuthIdentity)).one()
    assert (link.provider, link.subject, link.user_id) == ("oidc", "sub-ada", user.id)
    assert count(db, TermsAcceptance) == 0  # the app's banner asks them to accept the terms
    flow = db.get(OAuthFlow, state)
    assert flow is not None
    assert provider.calls[-1] == (
        "complete",
        {"code": "the-code", "code_verifier": flow.code_verifier, "nonce": flow.nonce, "redirect_uri": REDIRECT_URI},
    )


async def test_a_returning_person_is_the_same_user_even_with_a_new_email(db: Session) -> None:
    provider = FakeIdentityProvider()
    first = await finish(db, provider, await started(db, provider))
    db.commit()
    provider.identity = ExternalIdentity(
        provider="oidc", subject="sub-ada", email="ada@new.example", email_verified=True, name="Ada"
    )

    again = await finish(db, provider, await started(db, provider))

    assert again.id == first.id and again.email == "ada@example.com"
    assert count(db, User) == 1 and count(db, OAuthIdentity) == 1


# finish: linking to an existing account needs proof from that account -----------------------------------------


async def refused_with(db: Session, provider: FakeIdentityProvider, **kwargs: Any) -> str:
    """The finish is refused; nothing was linked, created or mailed. Returns the code shown on /login."""
    counts = [count(db, t) for t in (User, OAuthIdentity, AuthSession, OutgoingMail, AccountLink)]
    with pytest.raises(ExternalSignInFailed) as refused:
        await outcome_of(db, provider, await started(db, provider), **kwargs)
    db.rollback()
    assert [count(db, t) for t in (User, OAuthIdentity, AuthSession, OutgoingMail, AccountLink)] == counts
    return refused.value.code


async def test_a_verified_email_of_an_existing_member_never_signs_in_as_them(db: Session) -> None:
    """Case 5: without mail, the person is told to sign in with their password and connect from Settings."""
    password_user(db, "ada@example.com", "ada")
    provider = FakeIdentityProvider(
        identity=ExternalIdentity(provider="oidc", subject="sub-ada", email="ADA@example.com", email_verified=True)
    )

    assert await refused_with(db, provider) == "oidc-sign-in-first"


async def test_with_mail_the_owner_is_mailed_a_link_that_connects_and_signs_in(db: Session) -> None:
    existing = password_user(db, "ada@example.com", "ada")
    provider = FakeIdentityProvider()

    outcome = await outcome_of(db, provider, await started(db, provider), mailing=MAIL_ON)
    db.commit()

    assert outcome.kind == "mailed" and count(db, OAuthIdentity) == 0 and count(db, AuthSession) == 0
    sent = db.exec(select(OutgoingMail)).one()
    assert sent.to_address == "ada@example.com" and "Local SSO" in sent.body
    found = re.search(r"https://app\.example/connect-sign-in\?token=([\w-]+)", sent.body)
    assert found is not None
    assert identity_links.pending_link_provider(db, token=found.group(1)) == "oidc"

    issued = identity_links.confirm_mailed_link(db, token=found.group(1))
    db.commit()

    link = db.exec(select(OAuthIdentity)).one()
    assert (link.provider, link.subject, link.user_id) == ("oidc", "sub-ada", existing.id)
    token = sign_in.redeem_login_grant(
        db, grant=issued.grant, browser_nonce=issued.browser_nonce, ip="", user_agent="", session_days=1
    )
    viewer = viewer_from_token(db, token)
    assert viewer is not None and viewer.user_id == existing.id
    with pytest.raises(DomainError):  # the link works once
        identity_links.confirm_mailed_link(db, token=found.group(1))
    assert (await finish(db, provider, await started(db, provider))).id == existing.id  # and now signs in


@pytest.mark.parametrize("token", ["", "made-up-token-of-some-length", None, "x" * 500])
async def test_a_bad_connect_link_connects_nothing(db: Session, token: object) -> None:
    with pytest.raises(DomainError):
        identity_links.confirm_mailed_link(db, token=token)
    assert count(db, OAuthIdentity) == 0 and count(db, LoginGrant) == 0


async def test_at_most_three_connect_mails_an_hour(db: Session) -> None:
    password_user(db, "ada@example.com", "ada")
    provider = FakeIdentityProvider()
    for _ in range(5):
        assert (await outcome_of(db, provider, await started(db, provider), mailing=MAIL_ON)).kind == "mailed"
        db.commit()
    assert count(db, OutgoingMail) == 3


@pytest.mark.parametrize("mailing", [MAIL_OFF, MAIL_ON])
async def test_an_admins_verified_email_is_refused_and_nothing_is_mailed(
    db: Session, mailing: identity_links.Mailing
) -> None:
    """Case 5 as seen: email=admin@example.com, email_verified=true."""
    password_user(db, "admin@example.com", "admin", role="admin")
    provider = FakeIdentityProvider(
        identity=ExternalIdentity(provider="oidc", subject="evil", email="admin@example.com", email_verified=True)
    )

    assert await refused_with(db, provider, mailing=mailing) == "oidc-admin"


async def test_an_identity_already_linked_to_an_admin_does_not_sign_in(db: Session) -> None:
    admin = password_user(db, "admin@example.com", "admin", role="admin")
    assert admin.id is not None
    db.add(OAuthIdentity(provider="oidc", subject="sub-ada", user_id=admin.id))
    db.commit()

    assert await refused_with(db, FakeIdentityProvider()) == "oidc-admin"


async def test_a_new_member_from_a_provider_is_never_an_admin(db: Session) -> None:
    provider = FakeIdentityProvider(
        identity=ExternalIdentity(provider="oidc", subject="s", email="root@example.com", email_verified=True)
    )

    user = await finish(db, provider, await started(db, provider))

    assert user.role == "user"


async def test_a_signed_in_member_connects_the_identity_whatever_its_email(db: Session) -> None:
    ada = password_user(db, "ada@example.com", "ada")
    provider = FakeIdentityProvider(
        identity=ExternalIdentity(
            provider="oidc", subject="gh-ada", email="ada@elsewhere.example", email_verified=False
        )
    )

    outcome = await outcome_of(db, provider, await started(db, provider), viewer=viewer_of(ada))
    db.commit()

    assert (outcome.kind, outcome.user.id) == ("connected", ada.id)
    assert db.exec(select(OAuthIdentity.user_id)).one() == ada.id
    assert (await finish(db, provider, await started(db, provider))).id == ada.id


async def test_a_signed_in_admin_cannot_connect_a_provider(db: Session) -> None:
    admin = password_user(db, "admin@example.com", "admin", role="admin")

    assert await refused_with(db, FakeIdentityProvider(), viewer=viewer_of(admin)) == "oidc-admin"


async def test_an_identity_of_another_member_is_not_moved_to_the_signed_in_one(db: Session) -> None:
    provider = FakeIdentityProvider()
    ada = await finish(db, provider, await started(db, provider))
    db.commit()
    bea = password_user(db, "bea@example.com", "bea")

    assert await refused_with(db, provider, viewer=viewer_of(bea)) == "oidc-taken"
    assert db.exec(select(OAuthIdentity.user_id)).one() == ada.id


async def test_an_unverified_email_never_links_an_existing_account(db: Session) -> None:
    password_user(db, "ada@example.com", "ada")
    provider = FakeIdentityProvider(
        identity=ExternalIdentity(provider="oidc", subject="sub-x", email="ada@example.com", email_verified=False)
    )

    with pytest.raises(ExternalSignInFailed) as refused:
        await finish(db, provider, await started(db, provider))

    db.rollback()
    assert refused.value.code == "oidc-unverified"
    assert count(db, User) == 1 and count(db, OAuthIdentity) == 0


async def test_an_unverified_email_creates_no_account(db: Session) -> None:
    provider = FakeIdentityProvider(
        identity=ExternalIdentity(provider="oidc", subject="sub-x", email="new@example.com", email_verified=False)
    )

    with pytest.raises(ExternalSignInFailed) as refused:
        await finish(db, provider, await started(db, provider))

    db.rollback()
    assert refused.value.code == "oidc-unverified" and count(db, User) == 0


async def test_an_identity_without_email_is_refused_with_its_own_message(db: Session) -> None:
    provider = FakeIdentityProvider(identity=ExternalIdentity(provider="oidc", subject="sub-x", email_verified=True))

    with pytest.raises(ExternalSignInFailed) as refused:
        await finish(db, provider, await started(db, provider))

    db.rollback()
    assert refused.value.code == "oidc-no-email" and count(db, User) == 0


async def test_a_taken_username_gets_a_number(db: Session) -> None:
    password_user(db, "someone@example.com", "ada-lovelace")
    provider = FakeIdentityProvider()

    user = await finish(db, provider, await started(db, provider))

    assert user.username == "ada-lovelace-2"


async def test_markup_in_the_providers_name_is_dropped(db: Session) -> None:
    provider = FakeIdentityProvider(
        identity=ExternalIdentity(
            provider="oidc", subject="s", email="x@example.com", email_verified=True, name="<b>Eve</b>  Smith"
        )
    )

    user = await finish(db, provider, await started(db, provider))

    profile = db.get(Profile, user.id)
    assert profile is not None and profile.display_name == "bEve/b Smith"


@pytest.mark.parametrize(
    ("seeds", "expected"),
    [
        (("ada.lovelace", "a@b.c"), "ada-lovelace"),
        (("", "José.Núñez+tag@example.com"), "jose-nunez-tag"),
        (("admin", "x@example.com"), "member"),
        (("a", "__Bob__@example.com"), "bob"),
        (("这是", "", "名字"), "member"),
        (("a" * 40,), "a" * 24),
    ],
)
def test_usernames_are_made_valid_from_what_the_provider_knows(seeds: tuple[str, ...], expected: str) -> None:
    assert username_from(*seeds) == expected


# finish: refusals ----------------------------------------------------------------------------------------------


async def assert_refused_and_nothing_created(db: Session, provider: FakeIdentityProvider, **kwargs: Any) -> None:
    users, links, sessions = count(db, User), count(db, OAuthIdentity), count(db, AuthSession)
    with pytest.raises(ExternalSignInFailed):
        await external_sign_in.finish(
            db,
            provider=provider,
            redirect_uri=REDIRECT_URI,
            mailing=MAIL_OFF,
            **{"provider_slug": "oidc", "code": "c", **kwargs},
        )
    db.rollback()
    assert (count(db, User), count(db, OAuthIdentity), count(db, AuthSession)) == (users, links, sessions)


async def test_a_replayed_state_is_refused(db: Session) -> None:
    provider = FakeIdentityProvider()
    state = await started(db, provider)
    await finish(db, provider, state)
    db.commit()

    await assert_refused_and_nothing_created(db, provider, state=state, browser_state=state)

    assert [name for name, _ in provider.calls].count("complete") == 1


async def test_an_expired_flow_is_refused_without_asking_the_provider(db: Session) -> None:
    provider = FakeIdentityProvider()
    state = await started(db, provider)
    flow = db.get(OAuthFlow, state)
    assert flow is not None
    flow.created_at = utcnow() - timedelta(minutes=11)
    db.add(flow)
    db.commit()

    await assert_refused_and_nothing_created(db, provider, state=state, browser_state=state)

    assert [name for name, _ in provider.calls] == ["authorization_url"]


@pytest.mark.parametrize("browser_state", [None, "", "another-browsers-state"])
async def test_a_state_not_bound_to_this_browser_is_refused_and_left_for_its_owner(
    db: Session, browser_state: str | None
) -> None:
    provider = FakeIdentityProvider()
    state = await started(db, provider)

    await assert_refused_and_nothing_created(db, provider, state=state, browser_state=browser_state)

    assert (await finish(db, provider, state)).email == "ada@example.com"


async def test_a_state_begun_for_another_provider_is_refused(db: Session) -> None:
    provider = FakeIdentityProvider()
    state = await started(db, provider, slug="github")

    await assert_refused_and_nothing_created(db, provider, state=state, browser_state=state)


@pytest.mark.parametrize("state", ["never-issued", "", None, "x" * 65])
async def test_an_unknown_or_malformed_state_is_refused(db: Session, state: object) -> None:
    await assert_refused_and_nothing_created(db, FakeIdentityProvider(), state=state, browser_state=state)


async def test_a_callback_without_code_is_refused_and_the_flow_stays_usable(db: Session) -> None:
    provider = FakeIdentityProvider()
    state = await started(db, provider)

    await assert_refused_and_nothing_created(db, provider, state=state, browser_state=state, code="")

    flow = db.get(OAuthFlow, state)
    assert flow is not None and flow.used_at is None


async def test_a_provider_failure_spends_the_flow_and_creates_nothing(db: Session) -> None:
    provider = FakeIdentityProvider()
    state = await started(db, provider)
    provider.failure = ExternalSignInFailed("oidc: id_token check: invalid token: invalid_claim: 'nonce'")

    await assert_refused_and_nothing_created(db, provider, state=state, browser_state=state)

    flow = db.get(OAuthFlow, state)
    assert flow is not None and flow.used_at is not None
