"""Filtered full-text listing search on 100,000 open listings by 10,000 members: p50/p95 of one page of 20, for
searches as typed and for the same kind of searches with a typo in each (corrected against the vocabulary).

Run alone: `.venv/bin/python -m bench.run --only search` (targets and numbers in docs/PERFORMANCE.md).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, insert, text
from sqlmodel import Session, SQLModel, create_engine

from bench.listing_data import all_skills, listing_rows, search_params, typo_search_params
from jtbd_app import cli
from jtbd_app.domain.listing_query import ListingQuery
from jtbd_app.models import utcnow
from jtbd_app.models.search_words import counted_after
from jtbd_app.services.marketplace.listing_search import search_listings

TARGET_P95_MS = 25.0
WARM_UP = 200  # searches of another seed first: a running app has compiled its statements and warmed its caches
T = TypeVar("T")


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def populate(engine: Engine, *, listings: int, users: int) -> None:
    """Members with profiles, skills, and open listings with their skills, in bulk inserts."""
    tables = SQLModel.metadata.tables
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            insert(tables["user"]),
            [
                {
                    "id": i,
                    "email": f"m{i}@example.com",
                    "username": f"member{i}",
                    "password_hash": None,
                    "role": "user",
                    "status": "active",
                    "suspended_reason": "",
                    "created_at": now,
                }
                for i in range(1, users + 1)
            ],
        )
        profile = {"bio": "", "location": "", "remote": True, "hourly_rate_minor": None, "currency": "USD"}
        conn.execute(
            insert(tables["profile"]),
            [
                {
                    **profile,
                    "user_id": i,
                    "display_name": f"Member {i}",
                    "portfolio_links": "",
                    "rating_total": (i * 37) % 5 * ((i % 20) + 1) if i % 3 else 0,
                    "rating_count": (i % 20) + 1 if i % 3 else 0,
                    "completed_contracts": i % 7,
                    "updated_at": now,
                }
                for i in range(1, users + 1)
            ],
        )
        skill_ids = {name: i for i, name in enumerate(all_skills(), start=1)}
        conn.execute(insert(tables["skill"]), [{"id": i, "name": n} for n, i in skill_ids.items()])
        rows = listing_rows(listings, users, now=now)
        with counted_after(conn):  # a bulk load counts the vocabulary once, at the end (timed in "seed s")
            _insert_listings(conn, rows, skill_ids)


def _insert_listings(
    conn: Connection, rows: Iterable[tuple[dict[str, Any], list[str]]], skill_ids: dict[str, int]
) -> None:
    tables = SQLModel.metadata.tables
    next_id = 1
    for chunk in _chunks(rows, 5000):
        batch: list[dict[str, Any]] = []
        links: list[dict[str, int]] = []
        for columns, skills in chunk:
            batch.append({**columns, "id": next_id, "problem_id": None, "micro_task_id": None, "closed_at": None})
            links += [{"listing_id": next_id, "skill_id": skill_ids[s], "position": p} for p, s in enumerate(skills)]
            next_id += 1
        conn.execute(insert(tables["listing"]), batch)
        conn.execute(insert(tables["listingskill"]), links)


def analyze(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def measure(engine: Engine, searches: list[dict[str, str]], *, warm_up: bool = True) -> tuple[float, float]:
    samples = []
    with Session(engine) as session:
        for params in search_params(WARM_UP, seed=99) if warm_up else []:
            search_listings(session, query=ListingQuery.from_params(params))
        for params in searches:
            query = ListingQuery.from_params(params)
            start = time.perf_counter()
            search_listings(session, query=query)
            samples.append((time.perf_counter() - start) * 1000)
    quantiles = statistics.quantiles(samples, n=100)
    return quantiles[49], quantiles[94]


def bench(url: str, *, listings: int, users: int, runs: int) -> dict[str, float]:
    """Migrate a fresh database, seed it, ANALYZE, then time `runs` searches; returns timings in ms and s."""
    cli.migrate(url)
    engine = create_engine(url)
    start = time.perf_counter()
    populate(engine, listings=listings, users=users)
    analyze(engine)
    seeded = time.perf_counter() - start
    p50, p95 = measure(engine, search_params(runs))
    typo_p50, typo_p95 = measure(engine, typo_search_params(runs), warm_up=False)  # a typo in every search
    engine.dispose()
    return {"seed s": seeded, "p50": p50, "p95": p95, "typo p50": typo_p50, "typo p95": typo_p95}
