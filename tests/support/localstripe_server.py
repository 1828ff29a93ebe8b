"""A local Stripe for the integration tests: localstripe plus the Connect parts it lacks, in its own process on a
free port, with its pickle store in a private folder. See `localstripe_connect.py` for what it fakes and how.

    with run_localstripe(tmp_path) as stripe_server:
        gateway = StripeGateway(secret_key=SECRET_KEY, webhook_secret=..., api_base=stripe_server.url)
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.app_server import ROOT, free_port
from tests.support.processes import stop_process_group

SECRET_KEY = "sk_test_localstripe_0123456789"
PUBLISHABLE_KEY = "pk_test_localstripe_0123456789"
WEBHOOK_SECRET = "whsec_localstripe_0123456789"
STRIPE_JS_PATH = "/js.stripe.com/v3/typed-card.js"  # see localstripe_stripejs.py


def stripe_signature(body: bytes, secret: str = WEBHOOK_SECRET, *, at: int | None = None) -> str:
    """A Stripe-Signature header made as Stripe makes it: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">."""
    timestamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class LocalStripe:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def stripe_js_url(self) -> str:
        """The stand-in Stripe.js that confirms with the typed card (STRIPE_JS_URL for an app under test)."""
        return self.url + STRIPE_JS_PATH

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, auth=(SECRET_KEY, ""), timeout=10)

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        """An object as the fake Stripe holds it (the tests' view, beside what the adapter reports)."""
        with self._client() as client:
            response = client.get(path, params=params)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def post(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        with self._client() as client:
            response = client.post(path, data=data)
        response.raise_for_status()
        answer: dict[str, Any] = response.json() if response.content else {}
        return answer

    def post_as_browser(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A call as Stripe.js makes it: a JSON body carrying the publishable key, and no secret key."""
        response = httpx.post(self.url + path, content=json.dumps(body), timeout=10)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    def set_account_status(self, account_id: str, *, enabled: bool) -> None:
        """Test-only: mark a connected account (un)able to take transfers; emits account.updated."""
        flag = "true" if enabled else "false"
        fields = ("charges_enabled", "payouts_enabled", "details_submitted")
        self.post(f"/_config/accounts/{account_id}", dict.fromkeys(fields, flag))

    def send_webhooks_to(self, url: str, secret: str, *, name: str = "app") -> None:
        """localstripe then signs every event it emits with `secret` and POSTs it to `url`."""
        self.post(f"/_config/webhooks/{name}", {"url": url, "secret": secret})

    def reset(self) -> None:
        with self._client() as client:
            client.delete("/_config/everything").raise_for_status()

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else "(no log)"


@contextlib.contextmanager
def run_localstripe(folder: Path) -> Iterator[LocalStripe]:
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path, store = folder / "localstripe.log", folder / "localstripe.pickle"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.localstripe_connect", "--port", str(port), "--store", str(store)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LocalStripe(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    try:
        _wait_until_up(server)
        yield server
    finally:
        stop_process_group(process)


def _wait_until_up(server: LocalStripe, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"localstripe exited with {server.process.returncode}:\n{server.log_tail()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/js.stripe.com/v3/", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"localstripe did not start within {timeout} s:\n{server.log_tail()}")
