"""The plain HTTP routes: cookie hand-off, sign-out, health."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image
from sqlmodel import Session
from starlette.testclient import TestClient

from jtbd_app.api.app import create_api
from jtbd_app.api.auth_routes import CROSS_SITE_SIGN_OUT
from jtbd_app.api.http import GRANT_NONCE_COOKIE, cookie_value, grant_handoff_script, safe_next
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.models import Profile, utcnow
from jtbd_app.services.accounts import profile_photos, sign_in
from jtbd_app.services.viewer import SESSION_COOKIE, viewer_from_token
from tests.support import photos
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def client() -> TestClient:
    return TestClient(create_api(), base_url="http://localhost:3000", follow_redirects=False)


def session_cookies(response: httpx.Response) -> list[str]:
    return [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}=")]


def test_a_grant_with_its_browsers_nonce_becomes_an_httponly_samesite_session_cookie(db: Session) -> None:
    issued = sign_in.issue_login_grant(db, user=make_user("ann"))
    db.commit()
    browser = client()
    browser.cookies.set(GRANT_NONCE_COOKIE, issued.browser_nonce)
    response = browser.get(f"/api/auth/complete?grant={issued.grant}&next=/u/ann")
    assert response.status_code == 303 and response.headers["location"] == "/u/ann"
    [cookie] = session_cookies(response)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert any(
        c.startswith(f"{GRANT_NONCE_COOKIE}=") and "Max-Age=0" in c for c in response.headers.get_list("set-cookie")
    )
    token = cookie_value(cookie.split(";")[0], SESSION_COOKIE)
    viewer = viewer_from_token(db, token)
    assert viewer is not None and viewer.username == "ann"


@pytest.mark.parametrize("nonce", [None, "someone-elses-nonce"])
def test_a_grant_redeemed_in_another_browser_sets_no_cookie_and_says_why(db: Session, nonce: str | None) -> None:
    issued = sign_in.issue_login_grant(db, user=make_user("mallory"))
    db.commit()
    victim = client()
    if nonce:
        victim.cookies.set(GRANT_NONCE_COOKIE, nonce)
    response = victim.get(f"/api/auth/complete?grant={issued.grant}")
    assert response.status_code == 303 and response.headers["location"] == "/login?error=other-browser"
    assert session_cookies(response) == []


def test_a_reused_grant_sets_no_cookie() -> None:
    response = client().get("/api/auth/complete?grant=not-a-grant")
    assert response.status_code == 303 and response.headers["location"] == "/login?error=expired"
    assert session_cookies(response) == []


def test_next_only_allows_local_paths() -> None:
    assert safe_next("https://evil.example") == "/"
    assert safe_next("//evil.example") == "/"
    assert safe_next("/\\evil") == "/"
    assert safe_next("/terms") == "/terms"


@pytest.mark.parametrize(
    ("asked", "lands"),
    [
        ("/listings/12", "/listings/12"),
        ("/marketplace%3Fq%3Dlogo%26page%3D2", "/marketplace?q=logo&page=2"),
        ("https://evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("/%09/evil.example", "/"),
        ("/api/auth/sign-out", "/"),
        ("/login", "/"),
    ],
)
def test_a_redeemed_grant_goes_on_to_the_page_of_this_app_that_asked(db: Session, asked: str, lands: str) -> None:
    issued = sign_in.issue_login_grant(db, user=make_user("bea"))
    db.commit()
    browser = client()
    browser.cookies.set(GRANT_NONCE_COOKIE, issued.browser_nonce)

    response = browser.get(f"/api/auth/complete?grant={issued.grant}&next={asked}")

    assert response.status_code == 303 and response.headers["location"] == lands
    assert len(session_cookies(response)) == 1


def test_the_grant_hand_off_carries_the_page_to_return_to_encoded() -> None:
    issued = sign_in.IssuedGrant(grant="g", browser_nonce="n")
    assert grant_handoff_script(issued, "/marketplace?q=a&b='x'").endswith(
        "/api/auth/complete?grant=g&next=/marketplace%3Fq%3Da%26b%3D%27x%27')"
    )
    assert grant_handoff_script(issued, "https://evil.example").endswith("/api/auth/complete?grant=g')")
    assert grant_handoff_script(issued).endswith("/api/auth/complete?grant=g')")


def test_sign_out_revokes_the_session_and_clears_the_cookie(db: Session) -> None:
    token = sign_in.open_session(db, user_id=make_user("ann").id or 0, ip="", user_agent="", session_days=1)
    db.commit()
    c = client()
    c.cookies.set(SESSION_COOKIE, token)
    response = c.post("/api/auth/sign-out", headers={"Origin": "http://localhost:3000"})
    assert response.status_code == 303
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    assert viewer_from_token(db, token) is None


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost:3000.evil.example"},
        {"Referer": "https://evil.example/page"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {},  # no evidence at all: refused too
    ],
)
def test_a_sign_out_from_another_site_is_refused_and_the_session_stays(db: Session, headers: dict[str, str]) -> None:
    token = sign_in.open_session(db, user_id=make_user("ann").id or 0, ip="", user_agent="", session_days=1)
    db.commit()
    c = client()
    c.cookies.set(SESSION_COOKIE, token)
    response = c.post("/api/auth/sign-out", headers=headers)
    assert response.status_code == 403 and response.text == CROSS_SITE_SIGN_OUT
    assert "set-cookie" not in response.headers
    assert viewer_from_token(db, token) is not None


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost:3000"},  # the request's own host
        {"Origin": "http://app.example"},  # APP_URL, as a proxy in front would show it
        {"Referer": "http://localhost:3000/settings"},
        {"Sec-Fetch-Site": "same-origin"},
    ],
)
def test_a_sign_out_from_this_site_is_accepted(
    db: Session, monkeypatch: pytest.MonkeyPatch, headers: dict[str, str]
) -> None:
    monkeypatch.setenv("APP_URL", "http://app.example")
    get_settings.cache_clear()
    token = sign_in.open_session(db, user_id=make_user("ann").id or 0, ip="", user_agent="", session_days=1)
    db.commit()
    c = client()
    c.cookies.set(SESSION_COOKIE, token)
    assert c.post("/api/auth/sign-out", headers=headers).status_code == 303
    assert viewer_from_token(db, token) is None


def test_sign_out_by_get_is_not_allowed(db: Session) -> None:
    token = sign_in.open_session(db, user_id=make_user("ann").id or 0, ip="", user_agent="", session_days=1)
    db.commit()
    c = client()
    c.cookies.set(SESSION_COOKIE, token)
    assert c.get("/api/auth/sign-out", headers={"Origin": "http://localhost:3000"}).status_code == 405
    assert viewer_from_token(db, token) is not None


def test_healthz_tells_a_stranger_only_ok() -> None:
    response = client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "sqlite" not in response.text


def test_healthz_reports_the_database_to_the_bearer_of_the_token(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from jtbd_app.config import get_settings

    monkeypatch.setenv("HEALTHZ_TOKEN", "probe-token-123")
    get_settings.cache_clear()
    response = client().get("/healthz", headers={"Authorization": "Bearer probe-token-123"})
    assert response.status_code == 200
    assert response.json()["database"] == {"backend": "sqlite", "status": "ok"}
    assert response.json()["redis"] == {"status": "not configured"}
    for wrong in ("Bearer probe-token-12", "Basic probe-token-123", "probe-token-123", ""):
        assert client().get("/healthz", headers={"Authorization": wrong}).json() == {"status": "ok"}


def test_healthz_shows_no_details_when_no_token_is_configured() -> None:
    response = client().get("/healthz", headers={"Authorization": "Bearer "})
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_when_redis_is_configured_but_down(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from jtbd_app.config import get_settings

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("HEALTHZ_TOKEN", "probe-token-123")
    get_settings.cache_clear()
    response = client().get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "not ok"}
    detailed = client().get("/healthz", headers={"Authorization": "Bearer probe-token-123"})
    assert detailed.status_code == 503 and detailed.json()["redis"]["status"] == "down"


def test_security_headers_add_hsts_only_over_https() -> None:
    from jtbd_app.api.security_headers import security_headers

    plain = TestClient(security_headers(create_api())).get("/healthz").headers
    secure = TestClient(security_headers(create_api(), https=True)).get("/healthz").headers
    assert plain["x-frame-options"] == "DENY" and "strict-transport-security" not in plain
    assert secure["strict-transport-security"].startswith("max-age=31536000")


def photo_client() -> TestClient:
    return TestClient(create_api(), base_url="http://localhost:3000")


# The profile photo route (the photos themselves: tests/unit/test_profile_photos.py)


def test_the_photo_is_served_as_a_fixed_type_inline_file_that_is_revalidated(db: Session) -> None:
    ann = make_user("ann")
    urls = photos.give_photo(ann)

    response = photo_client().get(urls.small)

    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.content)).size == (64, 64)
    headers = response.headers
    assert headers["content-type"] == "image/jpeg" and headers["x-content-type-options"] == "nosniff"
    assert headers["content-disposition"] == 'inline; filename="photo-64.jpg"'
    assert headers["cache-control"] == "public, no-cache" and headers["etag"]
    assert headers["content-security-policy"] == "default-src 'none'; sandbox"
    again = photo_client().get(urls.small, headers={"If-None-Match": headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_a_removed_photo_is_no_longer_served(db: Session) -> None:
    ann = make_user("ann")
    urls = photos.give_photo(ann)
    etag = photo_client().get(urls.large).headers["etag"]
    with session_scope() as session:
        profile_photos.remove_photo(session, viewer=viewer_of(ann))

    for headers in ({}, {"If-None-Match": etag}):
        gone = photo_client().get(urls.large, headers=headers)
        assert gone.status_code == 404 and gone.headers["cache-control"] == "no-store"


def test_a_photo_of_a_profile_the_moderators_hid_is_not_served(db: Session) -> None:
    ann = make_user("ann")
    urls = photos.give_photo(ann)
    with session_scope() as session:
        profile = session.get(Profile, ann.id)
        assert profile is not None
        profile.hidden_at = utcnow()
        session.add(profile)

    assert photo_client().get(urls.large).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/api/photos/nope/256", "/api/photos/..%2F..%2Fetc%2Fpasswd/256", "/api/photos/{key}/128", "/api/photos/{key}/x"],
)
def test_anything_else_under_the_photo_route_is_the_same_404(db: Session, path: str) -> None:
    ann = make_user("ann")
    photos.give_photo(ann)

    key = db.get(Profile, ann.id).photo_key  # type: ignore[union-attr]
    response = photo_client().get(path.format(key=key))

    assert response.status_code == 404 and response.text in (profile_photos.NO_SUCH_PHOTO, "Not Found")
