"""The plain HTTP routes: cookie hand-off, sign-out, health."""

from __future__ import annotations

from sqlmodel import Session
from starlette.testclient import TestClient

from jtbd_app.api.app import create_api
from jtbd_app.api.http import cookie_value, safe_next
from jtbd_app.services.accounts import sign_in
from jtbd_app.services.viewer import SESSION_COOKIE, viewer_from_token
from tests.support.members import make_user


def client() -> TestClient:
    return TestClient(create_api(), base_url="http://localhost:3000", follow_redirects=False)


def test_a_grant_becomes_an_httponly_samesite_session_cookie(db: Session) -> None:
    grant = sign_in.issue_login_grant(db, user=make_user("ann"))
    db.commit()
    response = client().get(f"/api/auth/complete?grant={grant}&next=/u/ann")
    assert response.status_code == 303 and response.headers["location"] == "/u/ann"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = cookie_value(cookie.split(";")[0], SESSION_COOKIE)
    viewer = viewer_from_token(db, token)
    assert viewer is not None and viewer.username == "ann"


def test_a_reused_grant_sets_no_cookie() -> None:
    response = client().get("/api/auth/complete?grant=not-a-grant")
    assert response.status_code == 303 and response.headers["location"] == "/login?error=expired"
    assert "set-cookie" not in response.headers


def test_next_only_allows_local_paths() -> None:
    assert safe_next("https://evil.example") == "/"
    assert safe_next("//evil.example") == "/"
    assert safe_next("/\\evil") == "/"
    assert safe_next("/terms") == "/terms"


def test_sign_out_revokes_the_session_and_clears_the_cookie(db: Session) -> None:
    token = sign_in.open_session(db, user_id=make_user("ann").id or 0, ip="", user_agent="", session_days=1)
    db.commit()
    c = client()
    c.cookies.set(SESSION_COOKIE, token)
    response = c.post("/api/auth/sign-out")
    assert response.status_code == 303
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    assert viewer_from_token(db, token) is None


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
