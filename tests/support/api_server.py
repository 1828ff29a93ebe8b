"""Our plain HTTP routes (`create_api()`) served by granian, the server Reflex uses in production, in its own
process on a free port: for tests where an outside server (a fake Stripe) must reach the app over HTTP."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support.app_server import ROOT, free_port
from tests.support.processes import stop_process_group


@contextlib.contextmanager
def serve_api(folder: Path, env: dict[str, str], timeout: float = 30) -> Iterator[str]:
    """Yields the base URL; `env` is added to this process's environment (DATABASE_URL, STRIPE_*, ...)."""
    port = free_port()
    log_path = folder / f"api-{port}.log"
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "jtbd_app.api.app:create_api"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The API server did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{url}/healthz", timeout=2)
                break
            time.sleep(0.2)
        yield url
    finally:
        stop_process_group(process)
