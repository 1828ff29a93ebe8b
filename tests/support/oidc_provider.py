"""A small but real OpenID Connect provider for tests, served over HTTP on a free 127.0.0.1 port.

Discovery, JWKS (an RSA key made at start), an /authorize page a browser clicks through, /token (client secret,
single-use code, redirect_uri and PKCE S256 checked), /userinfo, and GitHub-shaped endpoints for the GitHub
adapter. `identity` says who signs in; `tamper` makes the id_token wrong in one chosen way.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlencode, urlparse

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

Tamper = Literal["wrong_nonce", "bad_signature", "wrong_audience", "wrong_issuer", "expired"]
AUTHORIZE_PATHS = ("/authorize", "/login/oauth/authorize")
TOKEN_PATHS = ("/token", "/login/oauth/access_token")


@dataclass
class LocalIdentity:
    sub: str = "local-sso-user-1"
    email: str = "sso.user@example.com"
    email_verified: bool = True
    name: str = "Sso User"
    preferred_username: str = "sso.user"
    numeric_id: int = 4242  # what the GitHub-shaped user API calls `id`


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str
    scope: str
    identity: LocalIdentity


@dataclass
class LocalOIDCProvider:
    client_id: str = "jtbd-local-client"
    client_secret: str = "local-oidc-client-secret-0123456789"
    identity: LocalIdentity = field(default_factory=LocalIdentity)
    tamper: Tamper | None = None
    email_in_id_token: bool = True
    delay_seconds: float = 0.0
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
        self.key.ensure_kid()
        self._grants: dict[str, _Grant] = {}
        self._access_tokens: dict[str, LocalIdentity] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._issuer = ""

    # lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> LocalOIDCProvider:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, name="local-oidc", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LocalOIDCProvider:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def issuer(self) -> str:
        assert self._issuer, "start() the provider first"
        return self._issuer

    def reset(self) -> None:
        """Back to a well-behaved provider with the default person, between tests."""
        self.identity, self.tamper, self.email_in_id_token, self.delay_seconds = LocalIdentity(), None, True, 0.0
        self.authorize_requests.clear()
        self.token_requests.clear()

    def rotate_key(self) -> None:
        """Sign with a new key from now on, as providers do from time to time."""
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
        self.key.ensure_kid()

    # what the endpoints answer ---------------------------------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def jwks(self) -> dict[str, Any]:
        return dict(KeySet([self.key]).as_dict(private=False))

    def authorize_problem(self, params: dict[str, str]) -> str:
        """Why an authorization request is refused outright (shown on the page, never redirected)."""
        if params.get("client_id") != self.client_id:
            return "unknown client_id"
        if params.get("response_type") != "code" or not params.get("redirect_uri"):
            return "response_type=code and redirect_uri are required"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE with S256 is required"
        return ""

    def approve(self, params: dict[str, str]) -> str:
        """The redirect back to the client after the person clicked "Sign in as ..."."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(
                client_id=params["client_id"],
                redirect_uri=params["redirect_uri"],
                code_challenge=params["code_challenge"],
                nonce=params.get("nonce", ""),
                scope=params.get("scope", ""),
                identity=LocalIdentity(**asdict(self.identity)),
            )
        return _with_query(params["redirect_uri"], code=code, state=params.get("state", ""))

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(dict(form))
        client_id, client_secret = _client_credentials(form, authorization)
        if client_id != self.client_id or not secrets.compare_digest(client_secret, self.client_secret):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)
        if grant is None or grant.client_id != client_id:
            return 400, {"error": "invalid_grant", "error_description": "unknown or used code"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
        if _s256(form.get("code_verifier", "")) != grant.code_challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier does not match"}
        access_token = secrets.token_urlsafe(24)
        self._access_tokens[access_token] = grant.identity
        answer: dict[str, Any] = {"access_token": access_token, "token_type": "Bearer", "expires_in": 300}
        if "openid" in grant.scope.split():
            answer["id_token"] = self.id_token(grant)
        return 200, answer

    def id_token(self, grant: _Grant) -> str:
        now, who = int(time.time()), grant.identity
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": grant.client_id,
            "sub": who.sub,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            "name": who.name,
            "preferred_username": who.preferred_username,
        }
        if self.email_in_id_token:
            claims.update(email=who.email, email_verified=who.email_verified)
        if self.tamper == "wrong_nonce":
            claims["nonce"] = "not-" + grant.nonce
        elif self.tamper == "wrong_audience":
            claims["aud"] = "some-other-client"
        elif self.tamper == "wrong_issuer":
            claims["iss"] = "http://127.0.0.1:1/elsewhere"
        elif self.tamper == "expired":
            claims.update(iat=now - 900, exp=now - 600)
        key = RSAKey.generate_key(2048) if self.tamper == "bad_signature" else self.key
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)

    def person(self, authorization: str) -> LocalIdentity | None:
        token = authorization.removeprefix("Bearer ").strip()
        return self._access_tokens.get(token)


def _handler_for(provider: LocalOIDCProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(provider.delay_seconds)
            url = urlparse(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            who = provider.person(self.headers.get("Authorization", ""))
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, provider.jwks())
            elif url.path in AUTHORIZE_PATHS:
                provider.authorize_requests.append(params)
                self._authorize_page(url.path, params)
            elif url.path == "/userinfo" and who:
                self._json(200, {"sub": who.sub, **{k: v for k, v in asdict(who).items() if k != "sub"}})
            elif url.path == "/api/user" and who:
                self._json(200, {"id": who.numeric_id, "login": who.preferred_username, "name": who.name})
            elif url.path == "/api/user/emails" and who:
                self._json(200, [{"email": who.email, "verified": who.email_verified, "primary": True}])
            elif url.path in ("/userinfo", "/api/user", "/api/user/emails"):
                self._json(401, {"error": "invalid_token"})
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            time.sleep(provider.delay_seconds)
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            path = urlparse(self.path).path
            if path in TOKEN_PATHS:
                status, body = provider.token(form, self.headers.get("Authorization", ""))
                self._json(status, body)
            elif path in AUTHORIZE_PATHS and not provider.authorize_problem(form):
                decision = form.pop("decision", "")
                if decision == "approve":
                    target = provider.approve(form)
                else:
                    target = _with_query(form["redirect_uri"], error="access_denied", state=form.get("state", ""))
                self.send_response(303)
                self.send_header("Location", target)
                self.end_headers()
            else:
                self._json(400, {"error": "invalid_request"})

        def _authorize_page(self, path: str, params: dict[str, str]) -> None:
            problem = provider.authorize_problem(params)
            name = html.escape(provider.identity.name)
            if problem:
                body = f"<h1>Local SSO</h1><p role='alert'>Refused: {html.escape(problem)}</p>"
            else:
                hidden = "".join(
                    f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items()
                )
                body = (
                    f"<h1>Local SSO</h1><p>{html.escape(params['client_id'])} asks who you are.</p>"
                    f'<form method="post" action="{path}">{hidden}'
                    f'<button type="submit" name="decision" value="approve">Sign in as {name}</button> '
                    '<button type="submit" name="decision" value="deny">Cancel</button></form>'
                )
            page = f"<!doctype html><html><head><title>Local SSO</title></head><body>{body}</body></html>"
            self._send(400 if problem else 200, "text/html; charset=utf-8", page.encode())

        def _json(self, status: int, data: Any) -> None:
            self._send(status, "application/json", json.dumps(data).encode())

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _client_credentials(form: dict[str, str], authorization: str) -> tuple[str, str]:
    """client_secret_basic or client_secret_post (RFC 6749 section 2.3.1)."""
    if authorization.startswith("Basic "):
        decoded = base64.b64decode(authorization[6:]).decode()
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return form.get("client_id", ""), form.get("client_secret", "")


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _with_query(url: str, **params: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def click_through(authorize_url: str, *, decision: str = "approve") -> str:
    """What a person's browser does on the provider's page: open it, press a button; returns the callback URL."""
    with httpx.Client(timeout=10) as http:
        page = http.get(authorize_url)
        page.raise_for_status()
        url = urlparse(authorize_url)
        form = {k: v[0] for k, v in parse_qs(url.query).items()} | {"decision": decision}
        answer = http.post(f"{url.scheme}://{url.netloc}{url.path}", data=form)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]
