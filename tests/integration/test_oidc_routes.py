"""The sign-in routes in process against the local provider: a cookie on success, /login and nothing kept on failure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, SQLModel, func, select
from starlette.testclient import TestClient

from jtbd_app import bootstrap
from jtbd_app.api.app import create_api
from jtbd_app.config import get_settings
from jtbd_app.db import get_engine
from jtbd_app.models import AuthSession, OAuthFlow, OAuthIdentity, User
from jtbd_app.services.accounts import membership, sign_in
from jtbd_app.services.viewer import SESSION_COOKIE
from tests.support.app_server import free_port
from tests.support.oidc_provider import LocalIdentity, LocalOIDCProvider, click_through

LOGIN = "/api/auth/oidc/oidc/login"


@pytest.fixture(autouse=True)
def forget_settings_afterwards() -> Iterator[None]:
    """Settings and adapters are cached per process; leave none of this test's behind."""
    yield
    get_settings.cache_clear()
    bootstrap.identity_provider.cache_clear()


def configure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> TestClient:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'routes.db'}")
    monkeypatch.setenv("APP_URL", "http://testserver")
    for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "GOOGLE_CLIENT_ID", "GITHUB_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    bootstrap.identity_provider.cache_clear()
    SQLModel.metadata.create_all(get_engine())
    return TestClient(create_api(), follow_redirects=False)


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sso: LocalOIDCProvider) -> Iterator[TestClient]:
    sso.reset()
    with configure(
        monkeypatch,
        tmp_path,
        OIDC_ISSUER=sso.issuer,
        OIDC_CLIENT_ID=sso.client_id,
        OIDC_CLIENT_SECRET=sso.client_secret,
    ) as client:
        yield client


def count(table: type[SQLModel]) -> int:
    with Session(get_engine()) as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def callback_path(client: TestClient, login: str = LOGIN) -> str:
    begun = client.get(login)
    assert begun.status_code == 303
    return click_through(begun.headers["location"]).removeprefix("http://testserver")


def test_a_successful_sign_in_sets_the_session_cookie_and_goes_home(app: TestClient, sso: LocalOIDCProvider) -> None:
    sso.identity = LocalIdentity(sub="r-1", email="route@example.com", name="Route Tester")

    done = app.get(callback_path(app))

    assert (done.status_code, done.headers["location"]) == (303, "/")
    cookies = done.headers.get_list("set-cookie")
    assert any(c.startswith("jtbd_session=") and "HttpOnly" in c for c in cookies)
    assert any(c.startswith("jtbd_oidc_state=") and "Max-Age=0" in c for c in cookies)
    with Session(get_engine()) as session:
        user = session.exec(select(User)).one()
        assert user.email == "route@example.com"
        assert session.exec(select(AuthSession.user_id)).one() == user.id


def test_the_state_cookie_is_httponly_short_lived_and_scoped_to_the_sign_in_routes(app: TestClient) -> None:
    begun = app.get(LOGIN)

    state, back = begun.headers.get_list("set-cookie")
    for cookie in (state, back):
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Max-Age=600" in cookie and "Path=/api/auth/oidc/" in cookie
    assert state.startswith("jtbd_oidc_state=") and back.startswith("jtbd_oidc_next=")


@pytest.mark.parametrize(
    ("asked", "lands"),
    [
        ("/listings/12", "/listings/12"),
        ("/marketplace%3Fq%3Dlogo%26sort%3Dnewest", "/marketplace?q=logo&sort=newest"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/api/auth/sign-out", "/"),
    ],
)
def test_a_provider_sign_in_returns_to_the_page_of_this_app_that_asked(
    app: TestClient, sso: LocalOIDCProvider, asked: str, lands: str
) -> None:
    sso.identity = LocalIdentity(sub="r-2", email="back@example.com", name="Back Again")

    done = app.get(callback_path(app, f"{LOGIN}?next={asked}"))

    assert (done.status_code, done.headers["location"]) == (303, lands)
    assert any(c.startswith("jtbd_oidc_next=") and "Max-Age=0" in c for c in done.headers.get_list("set-cookie"))


def test_a_forged_return_cookie_still_lands_on_the_dashboard(app: TestClient, sso: LocalOIDCProvider) -> None:
    sso.identity = LocalIdentity(sub="r-3", email="forged@example.com", name="Forged")
    path = callback_path(app, f"{LOGIN}?next=/listings/3")
    app.cookies.set("jtbd_oidc_next", "https://evil.example/", path="/api/auth/oidc/")

    done = app.get(path)

    assert (done.status_code, done.headers["location"]) == (303, "/")


def refused(response: httpx.Response, code: str = "oidc") -> None:
    """Sent to /login with a message; no session cookie, and the state cookie (if any) cleared."""
    assert (response.status_code, response.headers["location"]) == (303, f"/login?error={code}")
    cookies = response.headers.get_list("set-cookie")
    assert not any(c.startswith("jtbd_session=") for c in cookies)
    assert all("Max-Age=0" in c for c in cookies if c.startswith("jtbd_oidc_state="))


def test_a_refused_client_secret_ends_on_login_with_nothing_created(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sso: LocalOIDCProvider
) -> None:
    sso.reset()
    with configure(
        monkeypatch, tmp_path, OIDC_ISSUER=sso.issuer, OIDC_CLIENT_ID=sso.client_id, OIDC_CLIENT_SECRET="w" * 20
    ) as client:
        refused(client.get(callback_path(client)))

    assert (count(User), count(AuthSession)) == (0, 0)


def test_an_unreachable_provider_ends_on_login_and_keeps_no_flow(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    issuer = f"http://127.0.0.1:{free_port()}"
    with configure(
        monkeypatch, tmp_path, OIDC_ISSUER=issuer, OIDC_CLIENT_ID="c", OIDC_CLIENT_SECRET="s" * 20
    ) as client:
        begun = client.get(LOGIN)

    refused(begun)
    assert count(OAuthFlow) == 0


def test_a_refusal_at_the_provider_ends_on_login(app: TestClient) -> None:
    app.get(LOGIN)

    refused(app.get("/api/auth/oidc/oidc/callback?error=access_denied&state=x"))


def test_an_unverified_email_ends_on_login_with_its_own_message(app: TestClient, sso: LocalOIDCProvider) -> None:
    sso.identity = LocalIdentity(email="maybe@example.com", email_verified=False)

    refused(app.get(callback_path(app)), code="oidc-unverified")
    assert count(User) == 0


def test_unknown_and_unconfigured_providers_are_not_found(app: TestClient) -> None:
    assert app.get("/api/auth/oidc/nope/login").status_code == 404
    assert app.get("/api/auth/oidc/github/login").status_code == 404
    assert app.get("/api/auth/oidc/google/callback?code=c&state=s").status_code == 404


def member(email: str, username: str, role: str = "user") -> int:
    with Session(get_engine()) as session:
        user = membership.create_user(session, email=email, username=username, display_name=username, password_hash="x")
        user.role = role
        session.add(user)
        session.commit()
        assert user.id is not None
        return user.id


def test_an_existing_members_email_signs_nobody_in(app: TestClient, sso: LocalOIDCProvider) -> None:
    """Case 5: the provider's verified email equals a member's; without mail the person is told to sign in first."""
    member("sso.user@example.com", "owner")

    refused(app.get(callback_path(app)), code="oidc-sign-in-first")
    assert (count(OAuthIdentity), count(AuthSession)) == (0, 0)


def test_an_admins_email_signs_nobody_in(app: TestClient, sso: LocalOIDCProvider) -> None:
    sso.identity = LocalIdentity(sub="evil", email="admin@example.com")
    member("admin@example.com", "admin", role="admin")

    refused(app.get(callback_path(app)), code="oidc-admin")
    assert (count(OAuthIdentity), count(AuthSession)) == (0, 0)


def test_a_signed_in_browser_connects_the_identity_and_keeps_its_session(app: TestClient) -> None:
    user_id = member("owner@example.com", "owner")
    with Session(get_engine()) as session:
        token = sign_in.open_session(session, user_id=user_id, ip="", user_agent="", session_days=1)
        session.commit()
    app.cookies.set(SESSION_COOKIE, token)

    done = app.get(callback_path(app))

    assert (done.status_code, done.headers["location"]) == (303, "/settings?connected=1")
    assert not any(c.startswith(f"{SESSION_COOKIE}=") for c in done.headers.get_list("set-cookie"))
    with Session(get_engine()) as session:
        assert session.exec(select(OAuthIdentity.user_id)).one() == user_id
    app.cookies.clear()
    again = app.get(callback_path(app))  # signed out: the connected identity now signs in as the owner
    assert again.headers["location"] == "/"
    with Session(get_engine()) as session:
        assert set(session.exec(select(AuthSession.user_id)).all()) == {user_id}
