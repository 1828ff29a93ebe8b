"""Start the real production build of the app on a free port with its own database, and stop it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from jtbd_app.domain.rate_limits import DEFAULT_POLICIES
from tests.support.processes import start_server, stop_process_group

ROOT = Path(__file__).resolve().parents[2]
TEST_SECRET = "test-secret-key-not-for-production-0123456789"
HEALTHZ_TOKEN = "test-healthz-token"  # the bearer token that unlocks the detailed /healthz report


# reflex.lock/ as it was before this process started any app: a build in its own REFLEX_WEB_WORKDIR
# rewrites it (same content, another layout), so every stop puts the committed files back.
_LOCK_SNAPSHOT: dict[Path, bytes] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class AppServer:
    url: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def database_env(self) -> dict[str, str]:
        """The settings that put another process (a test's own services) on this app's database."""
        return {key: self.env[key] for key in ("DATABASE_URL", "JTBD_ENV", "SECRET_KEY", "REDIS_URL")}

    @property
    def states_dir(self) -> Path:
        """Where the server's state manager keeps tabs' states on disk (without Redis)."""
        return Path(self.env["REFLEX_STATES_WORKDIR"])

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# Sign-in per identifier too: the tiers sign the same demo members in again and again (the failed-password lockout
# still applies).
TEST_ADDRESS_LIMITS = ",".join(
    [*(f"{name}.address=100000/60" for name in DEFAULT_POLICIES), "sign_in.member=100000/60"]
)


def app_env(*, port: int, database_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "GOOGLE_", "GITHUB_"))}
    env.update(
        DATABASE_URL=database_url,
        APP_URL=f"http://localhost:{port}",
        JTBD_ENV="test",
        SECRET_KEY=TEST_SECRET,
        HEALTHZ_TOKEN=HEALTHZ_TOKEN,
        REDIS_URL="",
        # Every test client comes from 127.0.0.1: the per-address counts would add up the whole tier's members, so
        # they are lifted here; the per-member counts of actions keep their defaults (tests/security/test_rate_limits.py).
        RATE_LIMITS=TEST_ADDRESS_LIMITS,
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="false",
        PATH=f"{ROOT / '.tools/node_modules/.bin'}:{Path(sys.executable).parent}:{env.get('PATH', '')}",
    )
    env.update(extra or {})
    return env


def prepare_database(env: dict[str, str]) -> None:
    """Migrate and seed the app's own database, as `make run` does."""
    subprocess.run(
        [sys.executable, "-m", "jtbd_app.cli", "prepare"], cwd=ROOT, env=env, check=True, capture_output=True
    )


def start_app(
    *,
    workdir: Path,
    database_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    timeout: float = 300,
    port: int | None = None,
) -> AppServer:
    """`port` when a test must know the app's address before it starts (an OIDC provider's redirect URI)."""
    port = port or free_port()
    db_url = database_url or f"sqlite:///{workdir / 'app.db'}"
    env = app_env(
        port=port, database_url=db_url, extra={"REFLEX_STATES_WORKDIR": str(workdir / "states"), **(extra_env or {})}
    )
    prepare_database(env)
    log_path = workdir / f"app-{port}.log"
    server = AppServer(url=f"http://localhost:{port}", port=port, env=env, log_path=log_path)
    _LOCK_SNAPSHOT.update(
        {p: p.read_bytes() for p in (ROOT / "reflex.lock").glob("*") if p.is_file() and p not in _LOCK_SNAPSHOT}
    )
    command = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--loglevel", "info"]
    try:
        server.process = start_server(
            [*command, "--frontend-port", str(port), "--backend-port", str(port)],
            cwd=ROOT,
            env=env,
            log_path=log_path,
            ready=lambda: (
                httpx.get(f"{server.url}/ping", timeout=2).status_code == 200
                and httpx.get(server.url, timeout=5).status_code == 200
            ),
            timeout=timeout,
            name="The app",
            poll=1,
        )
    except RuntimeError:
        stop_app(server)
        raise
    return server


@contextmanager
def own_app(*, workdir: Path, extra_env: dict[str, str]) -> Iterator[AppServer]:
    """An app beside the session's with settings of its own, stopped afterwards. It gets its own frontend build: the
    prod server reads .web at request time and the build bakes in the port, so a shared .web would point one app's
    pages at the other."""
    server = start_app(workdir=workdir, extra_env={**extra_env, "REFLEX_WEB_WORKDIR": str(workdir / ".web")})
    try:
        yield server
    finally:
        stop_app(server)


def stop_app(server: AppServer) -> None:
    try:
        _stop_process(server)
    finally:
        for path, content in _LOCK_SNAPSHOT.items():
            if path.read_bytes() != content:
                path.write_bytes(content)


def _stop_process(server: AppServer) -> None:
    proc = server.process
    if proc is None or proc.poll() is not None:
        return
    stop_process_group(proc, grace=20)
