"""The websocket hand-offs bind their grant to the tab's browser; a mailed link connects a provider and signs in."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from jtbd_app.api.app import create_api
from jtbd_app.api.http import GRANT_NONCE_COOKIE
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.models import OAuthIdentity, OutgoingMail, User
from jtbd_app.services.accounts import identity_links
from jtbd_app.services.ports import ExternalIdentity
from jtbd_app.services.viewer import SESSION_COOKIE, viewer_from_token
from jtbd_app.state.auth import LoginState
from jtbd_app.state.connect_sign_in import ConnectSignInState
from tests.support.handlers import call, state_for
from tests.support.members import PASSWORD, make_user

HANDOFF = re.compile(
    r"document\.cookie = 'jtbd_grant_nonce=([\w-]+); path=/api/auth; max-age=120; samesite=strict'; "
    r"window\.location\.assign\('(/api/auth/complete\?grant=[\w-]+)'\)"
)


@pytest.fixture(autouse=True)
def oidc_configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OIDC_ISSUER", "https://sso.example")
    monkeypatch.setenv("OIDC_CLIENT_ID", "client")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "client-secret-of-twenty-chars")
    monkeypatch.setenv("OIDC_LABEL", "Example SSO")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def handoff(spec: object) -> tuple[str, str]:
    """(nonce, path) from the script a handler returned to the tab."""
    script = str(spec.args[0][1]._var_value)  # type: ignore[attr-defined]
    found = HANDOFF.fullmatch(script)
    assert found is not None, script
    return found.group(1), found.group(2)


def redeem(path: str, nonce: str | None) -> tuple[str, str | None]:
    """Open `path` in a browser holding `nonce` (or none); the redirect and the session cookie it got."""
    browser = TestClient(create_api(), base_url="http://localhost:3000", follow_redirects=False)
    if nonce:
        browser.cookies.set(GRANT_NONCE_COOKIE, nonce)
    response = browser.get(path)
    return response.headers["location"], response.cookies.get(SESSION_COOKIE)


def test_the_sign_in_form_hands_this_tab_a_grant_that_only_its_browser_can_redeem(db: Session) -> None:
    make_user("ann")
    login = state_for(LoginState, path="/login")
    nonce, path = handoff(call(login, "submit_login", {"identifier": "ann", "password": PASSWORD}))

    assert redeem(path, None) == ("/login?error=other-browser", None)  # sent to another browser: nothing
    where, token = redeem(path, nonce)
    viewer = viewer_from_token(db, token)
    assert where == "/" and viewer is not None and viewer.username == "ann"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("other-browser", "This sign-in link was started in another browser. Please sign in again in this one."),
        ("oidc-admin", identity_links.ADMIN_REFUSED),
        ("oidc-sign-in-first", identity_links.SIGN_IN_FIRST),
        ("oidc-link-mailed", identity_links.MAILED),
        ("oidc-taken", "That provider account is already connected to another member."),
    ],
)
def test_the_login_page_says_why_a_sign_in_did_not_happen(code: str, message: str) -> None:
    login = state_for(LoginState, path=f"/login?error={code}")
    call(login, "load_login")
    assert login.form_error == message


def test_the_mailed_link_connects_the_provider_and_signs_in(db: Session) -> None:
    ada = make_user("ada")
    identity = ExternalIdentity(provider="oidc", subject="sso-ada", email="ada@example.com", email_verified=True)
    with session_scope() as session:
        outcome = identity_links.resolve(
            session,
            identity=identity,
            viewer=None,
            mailing=identity_links.Mailing("http://localhost:3000", "Example SSO", enabled=True),
        )
    assert outcome.kind == "mailed"
    found = re.search(r"/connect-sign-in\?token=([\w-]+)", db.exec(select(OutgoingMail)).one().body)
    assert found is not None

    page = state_for(ConnectSignInState, path=f"/connect-sign-in?token={found.group(1)}")
    call(page, "load_connect")
    assert (page.provider_label, page.problem) == ("Example SSO", "")
    nonce, path = handoff(call(page, "confirm_connect"))

    assert db.exec(select(OAuthIdentity.user_id)).one() == ada.id
    where, token = redeem(path, nonce)
    viewer = viewer_from_token(db, token)
    assert where == "/" and viewer is not None and viewer.username == "ada"

    again = state_for(ConnectSignInState, path=f"/connect-sign-in?token={found.group(1)}")
    call(again, "load_connect")
    assert again.problem == identity_links.BAD_LINK
    assert call(again, "confirm_connect") is None and again.problem == identity_links.BAD_LINK


def test_a_mailed_link_for_an_account_made_admin_since_signs_nobody_in(db: Session) -> None:
    admin = make_user("boss")
    with session_scope() as session:
        identity_links.resolve(
            session,
            identity=ExternalIdentity(provider="oidc", subject="s", email="boss@example.com", email_verified=True),
            viewer=None,
            mailing=identity_links.Mailing("http://localhost:3000", "Example SSO", enabled=True),
        )
    with session_scope() as session:
        user = session.get(User, admin.id)
        assert user is not None
        user.role = "admin"
        session.add(user)
    found = re.search(r"token=([\w-]+)", db.exec(select(OutgoingMail)).one().body)
    assert found is not None
    page = state_for(ConnectSignInState, path=f"/connect-sign-in?token={found.group(1)}")
    assert call(page, "confirm_connect") is None
    assert page.problem == identity_links.ADMIN_REFUSED and db.exec(select(OAuthIdentity)).all() == []
