"""panva's oidc-provider (OpenID Certified, from npm) run with the machine's Node, for tests that must not trust
only a provider we wrote. `make services` installs it into tests/support/panva_oidc/node_modules (git-ignored)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from tests.support.app_server import free_port
from tests.support.processes import start_server, stop_process_group

HERE = Path(__file__).resolve().parent / "panva_oidc"
INSTALL_HINT = "run `make services` (npm ci --prefix tests/support/panva_oidc) first"


@dataclass(frozen=True)
class PanvaAccount:
    email: str
    password: str
    sub: str
    name: str
    email_verified: bool = True
    preferred_username: str = ""


@dataclass
class PanvaProvider:
    redirect_uri: str
    accounts: list[PanvaAccount]
    log_path: Path
    client_id: str = "jtbd-panva-client"
    client_secret: str = "panva-client-secret-0123456789abcdef"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> PanvaProvider:
        if not (HERE / "node_modules" / "oidc-provider" / "package.json").is_file():
            raise RuntimeError(f"panva's oidc-provider is not installed: {INSTALL_HINT}")
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("Node is not on PATH")
        env = {
            **os.environ,
            "PORT": str(self.port),
            "CLIENT_ID": self.client_id,
            "CLIENT_SECRET": self.client_secret,
            "REDIRECT_URI": self.redirect_uri,
            "ACCOUNTS": json.dumps([a.__dict__ for a in self.accounts]),
        }
        self.process = start_server(
            [node, str(HERE / "server.mjs")],
            cwd=HERE,
            env=env,
            log_path=self.log_path,
            ready=lambda: httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=2).status_code == 200,
            timeout=timeout,
            name="oidc-provider",
            poll=0.2,
        )
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process_group(self.process, grace=5)
        self.process = None

    def __enter__(self) -> PanvaProvider:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def sign_in_without_a_browser(authorize_url: str, *, email: str, password: str) -> str:
    """Log in and consent on the provider's own pages with a cookie-keeping client; returns the callback URL."""
    provider = "{0.scheme}://{0.netloc}".format(urlsplit(authorize_url))
    url = authorize_url
    with httpx.Client(timeout=10) as http:
        for _ in range(12):
            if not url.startswith(provider):
                return url  # sent back to the client
            answer = http.get(url)
            if answer.is_redirect:
                url = urljoin(url, answer.headers["location"])
                continue
            assert answer.status_code == 200, answer.text
            if 'name="password"' in answer.text:
                answer = http.post(f"{url}/login", data={"email": email, "password": password})
            else:
                answer = http.post(f"{url}/confirm")
            assert answer.is_redirect, answer.text
            url = urljoin(url, answer.headers["location"])
    raise AssertionError("the provider never sent the browser back")
