"""Benchmarks of the hot paths, on SQLite and PostgreSQL: `make bench` (targets in docs/PERFORMANCE.md).

`--only foundation|search|money|releases|matching|decomposition|routing|jobs|pages` runs one part; the search
benchmark lives in bench/search.py, the scheduler's cost in bench/jobs.py (ADR 0009), the money paths in
bench/money.py (`releases`, part of `money`, is their parallel releases on PostgreSQL alone), matching contractors to
a micro-task in bench/matching.py, the offline decomposition of the fixture problems in bench/decomposition.py (no
database), the Delegate menu's classification and ranking of the fixture tasks in bench/task_routing.py (no
database), and cold page loads of the production build in headless Chromium against the 404 page in bench/pages.py.

Each handler call resolves the viewer from the session cookie and most pages load a public profile,
so those two service calls are measured against a database holding 10,000 members.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlmodel import Session, create_engine

from bench import decomposition, jobs, matching, money, pages, search, task_routing
from jtbd_app import cli
from jtbd_app.config import _normalise_db_url
from jtbd_app.models import AuthSession, Profile, ProfileSkill, Skill, User
from jtbd_app.services.accounts import profiles, sign_in
from jtbd_app.services.viewer import viewer_from_token

TARGETS_MS = {"resolve viewer": 5.0, "public profile": 10.0}
SKILLS = ["python", "sql", "seo", "react", "figma", "copywriting", "plumbing", "translation", "excel", "video editing"]


def populate(session: Session, users: int) -> list[str]:
    rng = random.Random(42)
    skills = [Skill(name=name) for name in SKILLS]
    session.add_all(skills)
    session.flush()
    for i in range(users):
        session.add(User(id=i + 1, email=f"m{i}@example.com", username=f"member{i}", password_hash=None))
    session.flush()
    for i in range(users):
        session.add(
            Profile(
                user_id=i + 1,
                display_name=f"Member {i}",
                bio="Bio " * 20,
                currency="USD",
                hourly_rate_minor=rng.randint(1000, 20000),
            )
        )
        for pos, skill in enumerate(rng.sample(skills, 3)):
            session.add(ProfileSkill(user_id=i + 1, skill_id=skill.id or 0, position=pos))
    session.flush()
    tokens = [
        sign_in.open_session(session, user_id=rng.randint(1, users), ip="", user_agent="", session_days=30)
        for _ in range(2000)
    ]
    session.commit()
    assert session.get(AuthSession, 1) is not None
    return tokens


def measure(fn: Callable[[int], object], runs: int) -> tuple[float, float]:
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    quantiles = statistics.quantiles(samples, n=100)
    return quantiles[49], quantiles[94]


def bench(url: str, users: int, runs: int) -> dict[str, tuple[float, float]]:
    cli.migrate(url)
    engine = create_engine(url)
    with Session(engine) as session:
        tokens = populate(session, users)
    results = {}
    with Session(engine) as session:
        results["resolve viewer"] = measure(lambda i: viewer_from_token(session, tokens[i % len(tokens)]), runs)
        results["public profile"] = measure(
            lambda i: profiles.public_profile(session, username=f"member{(i * 7919) % users}"), runs
        )
    engine.dispose()
    return results


@contextmanager
def fresh_databases(postgres_admin_url: str) -> Iterator[dict[str, str]]:
    """A new SQLite file and a new PostgreSQL database, removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        name = f"jtbd_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield {
                "sqlite": f"sqlite:///{Path(tmp) / 'bench.db'}",
                "postgresql": _normalise_db_url(postgres_admin_url.rsplit("/", 1)[0] + "/" + name),
            }
        finally:
            with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_foundation(args: argparse.Namespace) -> bool:
    failed = False
    with fresh_databases(args.postgres) as databases:
        print(f"{'database':<11} {'operation':<16} {'p50 ms':>8} {'p95 ms':>8} {'target p95':>11}")
        for label, url in databases.items():
            for op, (p50, p95) in bench(url, args.users, args.runs).items():
                ok = p95 <= TARGETS_MS[op]
                failed |= not ok
                print(f"{label:<11} {op:<16} {p50:8.2f} {p95:8.2f} {TARGETS_MS[op]:>9.1f}{'' if ok else '  MISSED'}")
    return failed


def run_jobs(args: argparse.Namespace) -> bool:
    with fresh_databases(args.postgres) as databases:
        print(f"\nScheduled jobs: {args.jobs:,} no-op jobs scheduled one per unit of work, run by one worker")
        print(f"{'database':<11} {'scheduled/s':>12} {'run/s':>8}")
        for label, url in databases.items():
            rates = jobs.bench(url, jobs=args.jobs)
            print(f"{label:<11} {rates.scheduled_per_s:12.0f} {rates.run_per_s:8.0f}")
    return False  # no target: ADR 0009 compares these with the queues it considered


def run_search(args: argparse.Namespace) -> bool:
    failed = False
    with fresh_databases(args.postgres) as databases:
        print(f"\nListing search: {args.listings:,} open listings, {args.users:,} members, {args.searches} searches")
        print(f"{'database':<17} {'seed s':>7} {'p50 ms':>8} {'p95 ms':>8} {'target p95':>11}")
        for label, url in databases.items():
            result = search.bench(url, listings=args.listings, users=args.users, runs=args.searches)
            for kind, suffix in (("", ""), ("typo ", " typos")):
                ok = result[f"{kind}p95"] <= search.TARGET_P95_MS
                failed |= not ok
                print(
                    f"{label + suffix:<17} {result['seed s']:7.1f} {result[f'{kind}p50']:8.2f} "
                    f"{result[f'{kind}p95']:8.2f} {search.TARGET_P95_MS:>9.1f}{'' if ok else '  MISSED'}"
                )
    return failed


def run_money(args: argparse.Namespace) -> bool:
    failed = False
    with fresh_databases(args.postgres) as databases:
        print(f"\nMoney paths: {args.contracts:,} contracts between one client and one contractor")
        print(f"{'database':<11} {'operation':<18} {'p50 ms':>8} {'p95 ms':>8} {'target p95':>11}")
        for label, url in databases.items():
            for op, (p50, p95) in money.bench(url, contracts=args.contracts).items():
                ok = p95 <= money.TARGETS_MS[op]
                failed |= not ok
                print(
                    f"{label:<11} {op:<18} {p50:8.2f} {p95:8.2f} {money.TARGETS_MS[op]:>9.1f}{'' if ok else '  MISSED'}"
                )
    return failed


def run_releases(args: argparse.Namespace) -> bool:
    """Throughput of releases that share no party, from several threads at once (recorded, no target)."""
    with fresh_databases(args.postgres) as databases:
        print(
            f"\nParallel releases on PostgreSQL: {args.releases} contracts, each with its own client and contractor, "
            f"approved from {args.release_threads} threads, {args.release_rounds} rounds"
        )
        print(f"{'round':<6} {'releases':>8} {'seconds':>8} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'failed':>7}")
        rounds = money.parallel_releases(
            databases["postgresql"], contracts=args.releases, threads=args.release_threads, rounds=args.release_rounds
        )
        for n, r in enumerate(rounds, 1):
            print(
                f"{n:<6} {r.releases:>8} {r.seconds:8.2f} {r.per_second:8.1f} {r.p50_ms:8.1f} {r.p95_ms:8.1f} "
                f"{r.failures:>7}"
            )
        middle = sorted(rounds, key=lambda r: r.per_second)[len(rounds) // 2]
        print(
            f"median round: {middle.per_second:.1f} releases/s, p50 {middle.p50_ms:.1f} ms, p95 {middle.p95_ms:.1f} ms"
        )
    return any(r.failures for r in rounds)


def run_matching(args: argparse.Namespace) -> bool:
    """Ranking one micro-task against the contractors (target), and the service reading them from SQLite (recorded)."""
    print(f"\nMatching: one micro-task against {args.contractors:,} contractors, {args.matches} micro-tasks")
    print(f"{'operation':<28} {'p50 ms':>8} {'p95 ms':>8} {'target p95':>11}")
    p50, p95 = matching.bench_rank(contractors=args.contractors, runs=args.matches)
    ok = p95 <= matching.TARGET_P95_MS
    print(f"{'rank (pure)':<28} {p50:8.2f} {p95:8.2f} {matching.TARGET_P95_MS:>9.1f}{'' if ok else '  MISSED'}")
    p50, p95 = matching.bench_service(contractors=args.contractors, runs=max(5, args.matches // 5))
    print(f"{'read + rank (SQLite service)':<28} {p50:8.2f} {p95:8.2f} {'-':>11}")
    return not ok


def run_decomposition(args: argparse.Namespace) -> bool:
    result = decomposition.bench(rounds=args.decompose_rounds)
    ok = result.p95 <= decomposition.TARGET_P95_MS
    print(f"\nOffline decomposition + feasibility: {result.problems} fixture problems, {args.decompose_rounds} rounds")
    print(f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'target p95':>11}  slowest")
    print(
        f"{result.p50:8.2f} {result.p95:8.2f} {result.max_ms:8.2f} {decomposition.TARGET_P95_MS:>9.1f}"
        f"{'' if ok else '  MISSED'}  {result.slowest}"
    )
    return not ok


def run_routing(args: argparse.Namespace) -> bool:
    result = task_routing.bench(rounds=args.routing_rounds)
    ok = result.p95 <= task_routing.TARGET_P95_MS
    print(f"\nTask classification + menu ranking: {result.tasks} fixture tasks, {args.routing_rounds} rounds")
    print(f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'target p95':>11}  slowest")
    print(
        f"{result.p50:8.3f} {result.p95:8.3f} {result.max_ms:8.3f} {task_routing.TARGET_P95_MS:>9.1f}"
        f"{'' if ok else '  MISSED'}  {result.slowest}"
    )
    return not ok


def run_pages(args: argparse.Namespace) -> bool:
    """Cold loads of /marketplace and a listing against the 404 page, and their JavaScript (bench/pages.py)."""
    return pages.bench(listings=args.page_listings, rounds=args.page_rounds)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--only",
        choices=[
            "all",
            "foundation",
            "search",
            "money",
            "releases",
            "matching",
            "decomposition",
            "routing",
            "jobs",
            "pages",
        ],
        default="all",
    )
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2_000)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--contracts", type=int, default=2_000)
    parser.add_argument("--releases", type=int, default=100, help="contracts released at once, per round")
    parser.add_argument("--release-threads", type=int, default=8)
    parser.add_argument("--release-rounds", type=int, default=3)
    parser.add_argument("--contractors", type=int, default=10_000, help="candidates for the matching benchmark")
    parser.add_argument("--matches", type=int, default=50, help="micro-tasks ranked by the matching benchmark")
    parser.add_argument("--decompose-rounds", type=int, default=20, help="decompositions of each fixture problem")
    parser.add_argument("--routing-rounds", type=int, default=50, help="classifications of each fixture task")
    parser.add_argument("--jobs", type=int, default=1_000, help="scheduled jobs run by the scheduler benchmark")
    parser.add_argument("--page-listings", type=int, default=200, help="listings seeded for the page benchmark")
    parser.add_argument("--page-rounds", type=int, default=15, help="cold loads of each page")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    failed = False
    if args.only in ("all", "foundation"):
        failed |= run_foundation(args)
    if args.only in ("all", "search"):
        failed |= run_search(args)
    if args.only in ("all", "money"):
        failed |= run_money(args)
    if args.only in ("all", "money", "releases"):
        failed |= run_releases(args)
    if args.only in ("all", "matching"):
        failed |= run_matching(args)
    if args.only in ("all", "decomposition"):
        failed |= run_decomposition(args)
    if args.only in ("all", "routing"):
        failed |= run_routing(args)
    if args.only in ("all", "jobs"):
        failed |= run_jobs(args)
    if args.only in ("all", "pages"):
        failed |= run_pages(args)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
