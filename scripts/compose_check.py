"""Checks the production profile (compose.yaml) as docker-compose runs it, from the outside, as a visitor and an
operator would: every service healthy, both app containers migrated the one database together (once, no restart),
Caddy serves pages and /healthz over HTTPS and redirects HTTP, then the golden path in Chromium through Caddy (two
members sign up, post, bid, accept, fund in the sandbox, deliver with a file, approve, review), the books checked
in an app container, and a backup and restore (docs/BACKUPS.md) with the app image's PostgreSQL client programs.

`make compose-check` (scripts/compose-check.sh) builds the image, starts the profile and runs this; by hand, with the
profile up:

    .venv/bin/python -m scripts.compose_check --url https://localhost \\
        --project-name jtbd-compose-check --project-directory DIR_OF_ITS_ENV_FILE

Not part of `make test`: it needs a Docker daemon, docker-compose and ports 80/443."""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.browser import launch
from tests.support.golden_path import walk_the_golden_path

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("app1", "app2")
TERMS = "# Terms of service\n\nBe kind, deliver what you promised, pay on time.\n"

# Run in an app container once the golden path is done: the books of the contract, as the integration test checks
# them (tests/integration/test_golden_path_production_profile.py).
BOOKS = """
import json, sys
from sqlmodel import select
from jtbd_app.db import session_scope
from jtbd_app.models import Contract, User
from jtbd_app.services.ledger import journal
contract_id, username = int(sys.argv[1]), sys.argv[2]
with session_scope() as session:
    contract = session.get(Contract, contract_id)
    painter = session.exec(select(User).where(User.username == username)).one()
    balances = journal.balances_by_code(session)
    c = contract.currency
    print(json.dumps({
        "status": contract.status,
        "trial_balance": journal.trial_balance(session),
        "cached_balance_mismatches": len(journal.cached_balance_mismatches(session)),
        "escrow": balances[f"escrow:contract:{contract_id}:{c}"],
        "payable": balances[f"payable:user:{painter.id}:{c}"],
        "fee_revenue": balances[f"fee_revenue:{c}"],
        "platform_cash": balances[f"platform_cash:{c}"],
    }))
"""
EXPECTED_BOOKS = {
    "status": "completed",
    "trial_balance": 0,
    "cached_balance_mismatches": 0,
    "escrow": 0,
    "payable": 0,
    "fee_revenue": 1400,
    "platform_cash": 1400,
}

HEAD = (
    "from alembic.script import ScriptDirectory; from jtbd_app.cli import alembic_config; "
    "print(ScriptDirectory.from_config(alembic_config()).get_current_head())"
)


class CheckFailed(Exception):
    """One check of the profile failed; the message says which and what was seen."""


@dataclass(frozen=True)
class Compose:
    """docker-compose 1.29 (or `docker compose`) on this project: compose.yaml, its project name and the directory
    holding its `.env` (outside the repository: the secrets are generated for the check)."""

    command: tuple[str, ...]

    def run(self, *args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(  # noqa: S603 - docker-compose with fixed arguments
            [*self.command, *args], capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and done.returncode != 0:
            raise CheckFailed(f"{shlex.join(args)} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
        return done

    def exec(self, service: str, *args: str, timeout: float = 120, check: bool = True) -> str:
        return self.run("exec", "-T", service, *args, timeout=timeout, check=check).stdout

    def container(self, service: str) -> str:
        found = self.run("ps", "-q", service).stdout.split()
        if len(found) != 1:
            raise CheckFailed(f"{service}: {len(found)} containers")
        return found[0]


def docker_inspect(container: str, template: str) -> str:
    done = subprocess.run(  # noqa: S603 - docker with fixed arguments
        ["docker", "inspect", "--format", template, container],  # noqa: S607 - docker from the PATH
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout.strip()


@contextmanager
def step(name: str) -> Iterator[None]:
    started = time.monotonic()
    print(f"- {name} ...", flush=True)
    yield
    print(f"  ok ({time.monotonic() - started:.1f} s)", flush=True)


def wait_until_healthy(compose: Compose, timeout: float) -> None:
    """Every service's container running, and healthy where it has a health check (all but Caddy)."""
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    while time.monotonic() < deadline:
        services = compose.run("config", "--services").stdout.split()
        for service in services:
            ids = compose.run("ps", "-q", service).stdout.split()
            if not ids:
                states[service] = "missing"
                continue
            states[service] = docker_inspect(
                ids[0], "{{.State.Status}}{{if .State.Health}} {{.State.Health.Status}}{{end}}"
            )
        if states and all(state in ("running healthy", "running") for state in states.values()):
            print("  " + ", ".join(f"{service}: {state}" for service, state in sorted(states.items())))
            return
        time.sleep(3)
    raise CheckFailed(f"not healthy after {timeout:.0f} s: {states}")


def check_migrations(compose: Compose) -> None:
    """Both app containers started together on a fresh database: it is at the head revision, once, and neither
    container restarted (a failed migration exits and restart: unless-stopped starts it again)."""
    head = compose.exec("app1", "python", "-c", HEAD).strip().splitlines()[-1]
    versions = compose.exec(
        "postgres", "psql", "-U", "jtbd", "-d", "jtbd", "-XAtc", "SELECT version_num FROM alembic_version"
    )
    if versions.split() != [head]:
        raise CheckFailed(f"alembic_version holds {versions.split()}, the app's head is {head}")
    for service in APP_SERVICES:
        container = compose.container(service)
        print(f"  {service} started at {docker_inspect(container, '{{.State.StartedAt}}')}")
    for service in APP_SERVICES:
        container = compose.container(service)
        restarts = docker_inspect(container, "{{.RestartCount}}")
        if restarts != "0":
            raise CheckFailed(f"{service} restarted {restarts} times")
        logs = compose.run("logs", "--no-color", service).stdout
        workers = len(re.findall(r"Started worker-\d+", logs))
        if workers == 0:
            raise CheckFailed(f"{service} started no worker:\n{logs[-3000:]}")
        print(f"  {service}: {workers} workers started, no restart")
    print(f"  the database is at {head}, once")


def check_http(compose: Compose, url: str, healthz_token: str) -> None:
    """Through Caddy: /healthz, pages, HTTP redirected to HTTPS; and each app container's own port."""
    with httpx.Client(verify=False, timeout=30) as client:  # noqa: S501 - Caddy's local CA for "localhost"
        health = client.get(f"{url}/healthz")
        if health.status_code != 200 or health.json() != {"status": "ok"}:
            raise CheckFailed(f"/healthz: {health.status_code} {health.text[:200]}")
        if healthz_token:
            detailed = client.get(f"{url}/healthz", headers={"Authorization": f"Bearer {healthz_token}"})
            print(f"  /healthz with the token: {detailed.status_code} {detailed.text[:200]}")
        for path in ("/", "/login", "/signup", "/marketplace"):
            page = client.get(f"{url}{path}", follow_redirects=True)
            kind = page.headers.get("content-type", "")
            if page.status_code != 200 or not kind.startswith("text/html") or page.url.scheme != "https":
                raise CheckFailed(f"{path}: {page.status_code} {kind} at {page.url}")
            hops = [f"{hop.status_code} to {hop.headers.get('location')}" for hop in page.history]
            print(f"  {path}: {page.status_code}, {len(page.content)} bytes, {page.http_version}", *hops, sep=", ")
            if any(hop.headers.get("location", "").startswith("http://") for hop in page.history):
                raise CheckFailed(f"https {path} is redirected to plain http on its way ({'; '.join(hops)})")
        plain = url.replace("https://", "http://", 1)
        redirect = client.get(f"{plain}/login", follow_redirects=False)
        location = redirect.headers.get("location", "")
        if redirect.status_code not in (301, 308) or location != f"{url}/login":
            raise CheckFailed(f"http://…/login: {redirect.status_code} to {location!r}, not to {url}/login")
        print(f"  {plain}/login: {redirect.status_code} to {location}")
        for service in APP_SERVICES:
            address = compose.run("port", service, "8000").stdout.strip()
            direct = client.get(f"http://{address}/healthz")
            if direct.status_code != 200:
                raise CheckFailed(f"{service} at {address}: /healthz {direct.status_code}")
            print(f"  {service} on its own port {address}: /healthz {direct.status_code}")


def publish_terms(compose: Compose) -> None:
    """The operator's first step on a fresh site (docs/DEPLOYMENT.md): the first terms, without which nobody can
    sign up. A second run on the same volumes finds them published."""
    write = "import pathlib, sys; pathlib.Path('/data/terms.md').write_text(sys.argv[1])"
    compose.exec("app1", "python", "-c", write, TERMS)
    publish = ("python", "-m", "jtbd_app.cli", "publish-terms", "Terms of service", "/data/terms.md")
    done = compose.run("exec", "-T", "app1", *publish, check=False)
    if done.returncode != 0 and "administrator publishes new versions" not in done.stderr:
        raise CheckFailed(f"publish-terms exited {done.returncode}: {done.stderr.strip()}")
    print(f"  {(done.stdout or done.stderr).strip()}")


def new_page(browser: Browser) -> Page:
    context = browser.new_context(ignore_https_errors=True)  # Caddy's local CA for "localhost"
    context.set_default_timeout(30_000)
    return context.new_page()


def golden_path(browser: Browser, url: str, screenshots: Path) -> tuple[int, str]:
    """Two members in two browsers through Caddy; returns the contract's id and the contractor's username."""
    client, contractor = new_page(browser), new_page(browser)
    try:
        # A file too: it goes to /data/private, the app containers' shared volume, as the app's user.
        notes = ("fence-notes.txt", b"Two coats of weatherproof paint on both sides.\n")
        walked = walk_the_golden_path(client, contractor, url, file=notes, say=lambda step: print(f"  {step}"))
        return walked.contract_id, walked.contractor_name
    except Exception:
        screenshots.mkdir(parents=True, exist_ok=True)
        for name, page in (("client", client), ("contractor", contractor)):
            page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
        print(f"  screenshots of both browsers in {screenshots}", file=sys.stderr)
        raise


def check_books(compose: Compose, contract_id: int, contractor: str) -> None:
    """$140 paid in, $126 paid out to the contractor, $14 the platform's fee; nothing left in escrow."""
    books = json.loads(
        compose.exec("app1", "python", "-c", BOOKS, str(contract_id), contractor).strip().splitlines()[-1]
    )
    if books != EXPECTED_BOOKS:
        raise CheckFailed(f"the books of contract {contract_id}: {books}, expected {EXPECTED_BOOKS}")
    print(f"  contract {contract_id}: {books}")


def backup_and_restore(compose: Compose, contract_id: int, contractor: str, timeout: float) -> None:
    """docs/BACKUPS.md in the profile: a backup in app1 (while the app serves) into the shared /data volume, then, the
    app containers stopped, a delivered file deleted and `restore --replace` in a one-off app container: the tool
    verifies the copy, reloads the database, puts the file back and counts every table; the app starts again on it."""
    tools = compose.exec(
        "app1", "sh", "-c", "for t in pg_dump pg_restore psql; do command -v $t; done", check=False
    ).split()
    if len(tools) != 3:
        raise CheckFailed(f"the app image lacks PostgreSQL's client programs (found {tools}), which backups run")
    folder = f"/data/backups/compose-check-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
    print("  " + compose.exec("app1", "python", "-m", "jtbd_app.cli", "backup", folder).strip().replace("\n", "\n  "))
    files = compose.exec("app1", "find", "/data/private", "-type", "f").split()
    if not files:
        raise CheckFailed("no delivered file in /data/private to restore")
    compose.exec("app1", "rm", *files)
    compose.run("stop", *APP_SERVICES)
    restore = ("python", "-m", "jtbd_app.cli", "restore", "--replace", folder)
    done = compose.run("run", "--rm", "--no-deps", "-T", "app1", *restore, timeout=300)
    print("  " + done.stdout.strip().replace("\n", "\n  "))
    compose.run("start", *APP_SERVICES)
    wait_until_healthy(compose, timeout)
    back = compose.exec("app1", "find", "/data/private", "-type", "f").split()
    if sorted(back) != sorted(files):
        raise CheckFailed(f"files after the restore: {back}, before: {files}")
    check_books(compose, contract_id, contractor)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.compose_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="https://localhost", help="Caddy's address (https://$DOMAIN)")
    parser.add_argument("--project-name", default="jtbd-compose-check", help="docker-compose -p")
    parser.add_argument("--project-directory", required=True, help="the directory of the profile's .env")
    parser.add_argument("--compose", default="docker-compose", help="the compose command (docker-compose)")
    parser.add_argument("--healthz-token", default="", help="HEALTHZ_TOKEN, to see /healthz's details")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for every service to be healthy")
    parser.add_argument("--screenshots", type=Path, default=Path("/tmp/jtbd-compose-check"))  # noqa: S108
    args = parser.parse_args(argv)
    url = args.url.rstrip("/")
    compose = Compose(
        (
            *shlex.split(args.compose),
            "-p",
            args.project_name,
            "--project-directory",
            args.project_directory,
            "-f",
            str(ROOT / "compose.yaml"),
        )
    )
    started = time.monotonic()
    try:
        with step("every service healthy"):
            wait_until_healthy(compose, args.timeout)
        with step("migrations: both app containers started together on a fresh database"):
            check_migrations(compose)
        with step(f"HTTP through Caddy at {url}"):
            check_http(compose, url, args.healthz_token)
        with step("the first terms (python -m jtbd_app.cli publish-terms in app1)"):
            publish_terms(compose)
        with step("the golden path in Chromium through Caddy"), sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                contract_id, contractor = golden_path(browser, url, args.screenshots)
            finally:
                browser.close()
        with step("the books, read in app1"):
            check_books(compose, contract_id, contractor)
        with step("backup in app1, restore --replace with the app stopped (docs/BACKUPS.md)"):
            backup_and_restore(compose, contract_id, contractor, args.timeout)
    except CheckFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"The production profile passed every check in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
