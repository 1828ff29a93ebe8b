"""The production profile of docs/DEPLOYMENT.md started without Docker: the frontend built once
(`python -m jtbd_app.serve build`), two app processes of several workers each that migrate as they start
(`python -m jtbd_app.serve`, what each app container runs), on one PostgreSQL database and Redis, behind Caddy with
the repository's Caddyfile."""

from __future__ import annotations

import hashlib
import hmac
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.app_server import HEALTHZ_TOKEN, ROOT, app_env, free_port
from tests.support.processes import start_server, stop_process_group

UPSTREAM_COOKIE = "jtbd_upstream"
UPSTREAM_SECRET = "profile-test-upstream-secret"
WORKERS = 2


@dataclass(frozen=True)
class Profile:
    url: str  # Caddy's address: the only one the browser uses
    app_ports: tuple[int, int]
    env: dict[str, str]  # the settings the app processes share (a test's own services use them too)
    logs: tuple[Path, ...]
    apps: tuple[subprocess.Popen[bytes], ...]  # the two app processes, each the leader of its process group

    def stop_app(self, index: int) -> None:
        """Stop app process `index` as an upgrade does (SIGTERM to its workers), and wait until it is gone."""
        stop_process_group(self.apps[index], grace=30)

    def upstream(self, index: int) -> str:
        return f"127.0.0.1:{self.app_ports[index]}"

    def pin_value(self, index: int) -> str:
        """The value of the cookie `UPSTREAM_COOKIE` with which Caddy's `cookie` policy sends every request of a
        browser to app process `index`: the HMAC-SHA256 of the upstream's address, as Caddy computes it."""
        return hmac.new(UPSTREAM_SECRET.encode(), self.upstream(index).encode(), hashlib.sha256).hexdigest()


def caddyfile(*, pinned: bool = True) -> str:
    """The repository's Caddyfile (its site and upstreams come from DOMAIN and APP_UPSTREAMS) with these changes for
    a test: no admin endpoint (several Caddys may run here) and no request log; with `pinned`, requests go to the app
    process their cookie names instead of the least busy one, and each response says which process served it."""
    text = (ROOT / "Caddyfile").read_text()
    changes = {
        "{\n\t# Uncomment": "{\n\tadmin off\n\t# Uncomment",
        "\tlog {\n\t\toutput stdout\n\t\tformat json\n\t}\n": "",
    }
    if pinned:
        changes["\t\tlb_policy least_conn\n"] = (
            f"\t\tlb_policy cookie {UPSTREAM_COOKIE} {UPSTREAM_SECRET}\n"
            "\t\theader_down X-Served-By {http.reverse_proxy.upstream.hostport}\n"
        )
    for old, new in changes.items():
        assert text.count(old) == 1, f"the Caddyfile changed: {old!r} is not there once"
        text = text.replace(old, new)
    return text


def build_frontend(env: dict[str, str], log_path: Path) -> None:
    with log_path.open("wb") as log:
        done = subprocess.run(
            [sys.executable, "-m", "jtbd_app.serve", "build"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    if done.returncode != 0:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-40:])
        raise RuntimeError(f"the frontend build failed:\n{tail}")


@contextmanager
def production_profile(
    *,
    workdir: Path,
    database_url: str,
    redis_url: str,
    workers: int = WORKERS,
    pinned: bool = True,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Profile]:
    """`pinned`: see `caddyfile`; `extra_env`: settings for the app processes on top of the test's."""
    caddy = shutil.which("caddy")
    if caddy is None:
        raise RuntimeError("Caddy is required for the production profile: run scripts/test-services.sh")
    proxy_port, ports = free_port(), (free_port(), free_port())
    url = f"http://localhost:{proxy_port}"
    env = app_env(
        port=proxy_port,
        database_url=database_url,
        extra={
            "REDIS_URL": redis_url,
            "APP_URL": url,
            "REFLEX_API_URL": url,  # the pages open their websocket on Caddy's port, not an app process's
            "REFLEX_WEB_WORKDIR": str(workdir / ".web"),
            "PRIVATE_FILES_DIR": str(workdir / "private"),
            "GRANIAN_WORKERS": str(workers),
            "JOB_POLL_SECONDS": "2",
            **(extra_env or {}),
        },
    )
    build_frontend(env, workdir / "build.log")
    logs = (workdir / "app-0.log", workdir / "app-1.log", workdir / "caddy.log")
    with ExitStack() as stack:
        processes: list[subprocess.Popen[bytes]] = []
        stack.callback(_stop_all, processes)
        for index, port in enumerate(ports):  # both migrate as they start, on the same fresh database
            app = start_server(
                [sys.executable, "-m", "jtbd_app.serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT,
                env={**env, "REFLEX_STATES_WORKDIR": str(workdir / f"states-{index}")},
                log_path=logs[index],
                ready=lambda: True,
                timeout=5,
                name=f"App process {index}",
            )
            processes.append(app)
        for index, port in enumerate(ports):
            _wait_until_healthy(f"http://localhost:{port}", processes[index], logs[index])
        config = workdir / "Caddyfile"
        config.write_text(caddyfile(pinned=pinned))
        caddy_env = {
            **env,
            "DOMAIN": url,  # an http:// site: no certificate, no redirect to HTTPS
            "APP_UPSTREAMS": " ".join(f"127.0.0.1:{port}" for port in ports),
            "XDG_DATA_HOME": str(workdir / "caddy-data"),
            "XDG_CONFIG_HOME": str(workdir / "caddy"),
        }
        proxy = start_server(
            [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
            cwd=workdir,
            env=caddy_env,
            log_path=logs[2],
            ready=lambda: httpx.get(f"{url}/ping", timeout=2).status_code == 200,
            timeout=30,
            name="Caddy",
        )
        processes.append(proxy)
        yield Profile(url=url, app_ports=ports, env=env, logs=logs, apps=tuple(processes[:2]))


def _wait_until_healthy(base: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{base} exited:\n{log_path.read_text(errors='replace')[-4000:]}")
        try:
            answer = httpx.get(f"{base}/healthz", headers={"Authorization": f"Bearer {HEALTHZ_TOKEN}"}, timeout=3)
            if answer.status_code == 200 and httpx.get(base, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"{base} was not healthy within {timeout}s:\n{log_path.read_text(errors='replace')[-4000:]}")


def _stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in reversed(processes):
        stop_process_group(process, grace=20)
