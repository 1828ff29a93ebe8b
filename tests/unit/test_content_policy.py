"""The Content-Security-Policy built from the production build's inline scripts, HSTS and Secure cookies on https."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from jtbd_app.api import content_policy
from jtbd_app.api.app import create_api
from jtbd_app.api.http import GRANT_NONCE_COOKIE
from jtbd_app.api.security_headers import security_headers
from jtbd_app.config import Settings, get_settings
from jtbd_app.services.accounts import sign_in
from jtbd_app.services.viewer import SESSION_COOKIE
from tests.support.members import make_user

INLINE = b"window.__reactRouterContext = {};"
PAGE = (
    b"<html><head><script>" + INLINE + b'</script><script type="module" src="/assets/app.js"></script>'
    b'<script type="module" async="">import "/assets/manifest.js";</script></head></html>'
)


def sha(body: bytes) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"


def directive(policy: str, name: str) -> list[str]:
    return next(part.split()[1:] for part in policy.split(";") if part.split()[0] == name)


def test_every_inline_script_of_the_build_is_hashed_and_scripts_with_src_are_not(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_bytes(PAGE)
    (tmp_path / "listings").mkdir()
    (tmp_path / "listings" / "index.html").write_bytes(b"<script>other()</script>")
    hashes = content_policy.build_script_hashes(tmp_path)
    assert set(hashes) == {sha(INLINE), sha(b'import "/assets/manifest.js";'), sha(b"other()")}
    assert content_policy.build_script_hashes(tmp_path / "missing") == ()


def test_the_policy_has_no_unsafe_inline_script_and_no_stripe_without_stripe() -> None:
    policy = content_policy.policy(Settings(APP_URL="https://jtbd.example"), (sha(INLINE),))  # type: ignore[call-arg]
    assert directive(policy, "script-src") == ["'self'", sha(INLINE), "'unsafe-eval'"]
    assert directive(policy, "connect-src") == ["'self'", "wss://jtbd.example"]
    assert directive(policy, "style-src") == ["'self'", "'unsafe-inline'"]
    assert directive(policy, "img-src") == ["'self'", "data:", "blob:"]
    assert directive(policy, "frame-src") == ["'none'"] and directive(policy, "object-src") == ["'none'"]
    assert directive(policy, "frame-ancestors") == ["'none'"] and directive(policy, "form-action") == ["'self'"]
    assert "stripe" not in policy


def test_product_pictures_are_allowed_from_amazon_only_with_its_product_api() -> None:
    keys = "tag=jtbd-20&credential_id=id&credential_secret=secret"
    with_api = content_policy.policy(Settings(APP_URL="https://jtbd.example", PARTNER_AMAZON=keys), ())  # type: ignore[call-arg]
    assert "https://*.media-amazon.com" in directive(with_api, "img-src")
    tag_only = content_policy.policy(Settings(APP_URL="https://jtbd.example", PARTNER_AMAZON="tag=jtbd-20"), ())  # type: ignore[call-arg]
    assert directive(tag_only, "img-src") == ["'self'", "data:", "blob:"]


def test_with_stripe_its_script_frames_and_api_are_allowed() -> None:
    settings = Settings(  # type: ignore[call-arg]
        APP_URL="http://localhost:3000",
        STRIPE_SECRET_KEY="sk_test_x",
        STRIPE_PUBLISHABLE_KEY="pk_test_x",
        STRIPE_WEBHOOK_SECRET="whsec_a_real_looking_secret",
        STRIPE_JS_URL="http://127.0.0.1:8420/js.stripe.com/v3/",
    )
    policy = content_policy.policy(settings, ())
    assert directive(policy, "script-src") == ["'self'", "'unsafe-eval'", "http://127.0.0.1:8420"]
    assert "https://js.stripe.com" in directive(policy, "frame-src")
    assert {"https://api.stripe.com", "http://127.0.0.1:8420", "ws://localhost:3000"} <= set(
        directive(policy, "connect-src")
    )


def test_the_wrapper_sends_the_policy_it_is_given_and_hsts_only_over_https() -> None:
    def given() -> str:
        return "default-src 'self'; script-src 'self'"

    plain = TestClient(security_headers(create_api(), content_policy=given)).get("/healthz").headers
    secure = TestClient(security_headers(create_api(), https=True, content_policy=given)).get("/healthz").headers
    assert plain["content-security-policy"] == given() and "strict-transport-security" not in plain
    assert secure["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert secure["x-content-type-options"] == "nosniff" and secure["x-frame-options"] == "DENY"


def test_the_session_cookie_is_secure_when_app_url_is_https(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_URL", "https://jtbd.example")
    get_settings.cache_clear()
    issued = sign_in.issue_login_grant(db, user=make_user("ann"))
    db.commit()
    client = TestClient(create_api(), base_url="https://jtbd.example", follow_redirects=False)
    client.cookies.set(GRANT_NONCE_COOKIE, issued.browser_nonce)
    response = client.get(f"/api/auth/complete?grant={issued.grant}")
    [cookie] = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}=")]
    assert "; Secure" in cookie and "HttpOnly" in cookie
