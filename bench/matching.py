"""Matching one micro-task against 10,000 contractors: p50/p95 of `domain.matching.rank` (target p95 < 100 ms).

Candidates and needs are made from the search benchmark's deterministic listings (bench/listing_data.py): a
candidate's skills, bio and past work come from listings of one topic, a need is a listing (its skills, text,
budget, and its city when it is on site). The service's read of 10,000 members from SQLite is timed too, without a
target (it is recorded in docs/PERFORMANCE.md). Run alone: `.venv/bin/python -m bench.run --only matching`.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlmodel import Session, SQLModel, create_engine

from bench.listing_data import CITIES, all_skills, listing_rows
from jtbd_app import cli
from jtbd_app.domain.matching import Candidate, Need, rank
from jtbd_app.models import utcnow
from jtbd_app.services.problems import matching

TARGET_P95_MS = 100.0
WARM_UP = 5


@dataclass(frozen=True)
class Contractor:
    """One synthetic contractor's profile, as the database and as matching hold it."""

    user_id: int
    skills: tuple[str, ...]
    bio: str
    past_work: str
    rating_total: int
    rating_count: int
    completed: int
    on_time: int
    hourly_rate_minor: int | None
    remote: bool
    location: str

    def candidate(self) -> Candidate:
        return Candidate(
            user_id=self.user_id,
            username=f"member{self.user_id}",
            skills=frozenset(self.skills),
            profile_text=self.bio,
            past_work=self.past_work,
            rating_avg=self.rating_total / self.rating_count if self.rating_count else None,
            rating_count=self.rating_count,
            completed=self.completed,
            on_time_rate=self.on_time / self.completed if self.completed else None,
            hourly_rate_minor=self.hourly_rate_minor,
            remote=self.remote,
            location=self.location,
        )


def synthetic(count: int, *, seed: int = 5) -> list[Contractor]:
    """Contractors whose skills, bio and past work come from listings: skills, rating, record, rate, place."""
    rng = random.Random(seed)
    rows = listing_rows(count * 3, 1, seed=seed, now=utcnow())
    found = []
    for i in range(1, count + 1):
        (bio, skills), *past = list(islice(rows, 3))
        reviews = rng.choice([0, 0, 1, 3, 8, 20, 45])
        done = rng.choice([0, 0, 1, 2, 5, 9, 14, 30])
        found.append(
            Contractor(
                user_id=i,
                skills=tuple(skills),
                bio=str(bio["description"]),
                past_work=" ".join(f"{p['title']} {p['skills_text']}" for p, _s in past[: rng.randint(0, 2)]),
                rating_total=sum(rng.choice([3, 4, 5, 5, 5]) for _ in range(reviews)),
                rating_count=reviews,
                completed=done,
                on_time=sum(rng.random() < 0.85 for _ in range(done)),
                hourly_rate_minor=rng.choice([None, 1500, 2500, 4000, 6000, 9000]),
                remote=rng.random() < 0.7,
                location=rng.choice(["", *CITIES]),
            )
        )
    return found


def needs(count: int, *, seed: int = 17) -> list[Need]:
    """Micro-tasks as a plan would hand them over: a listing's skills, text, budget, and city when on site."""
    found = []
    for columns, skills in listing_rows(count, 1, seed=seed, now=utcnow()):
        local = not columns["remote"] and bool(columns["location"])
        found.append(
            Need(
                skills=tuple(skills),
                text=f"{columns['title']}. {columns['description']}",
                budget_minor=int(columns["budget_minor"]),
                currency="USD",
                local=local,
                location=str(columns["location"]) if local else "",
                duration_days=7,
            )
        )
    return found


def _quantiles(samples: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(samples, n=100)
    return q[49], q[94]


def bench_rank(*, contractors: int, runs: int) -> tuple[float, float]:
    pool = [c.candidate() for c in synthetic(contractors)]
    tasks = needs(runs + WARM_UP)
    for need in tasks[:WARM_UP]:
        rank(need, pool, 10)
    samples = []
    for need in tasks[WARM_UP:]:
        start = time.perf_counter()
        rank(need, pool, 10)
        samples.append((time.perf_counter() - start) * 1000)
    return _quantiles(samples)


def bench_service(*, contractors: int, runs: int) -> tuple[float, float]:
    """The whole service on a fresh SQLite file: read every listed member, build candidates, rank."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'matching.db'}"
        cli.migrate(url)
        engine = create_engine(url)
        _populate(engine, synthetic(contractors))
        samples = []
        with Session(engine) as session:
            for i, need in enumerate(needs(runs + 2)):
                start = time.perf_counter()
                matching.rank(session, need=need)
                if i >= 2:
                    samples.append((time.perf_counter() - start) * 1000)
        engine.dispose()
    return _quantiles(samples)


def _populate(engine: Engine, contractors: list[Contractor]) -> None:
    """Members, profiles and skills in bulk inserts (no contracts: the track record is on the profiles only)."""
    tables = SQLModel.metadata.tables
    now = utcnow()
    skill_ids = {name: i for i, name in enumerate(all_skills(), start=1)}
    with engine.begin() as conn:
        conn.execute(insert(tables["skill"]), [{"id": i, "name": n} for n, i in skill_ids.items()])
        conn.execute(
            insert(tables["user"]),
            [
                {
                    "id": c.user_id,
                    "email": f"m{c.user_id}@example.com",
                    "username": f"member{c.user_id}",
                    "password_hash": None,
                    "role": "user",
                    "status": "active",
                    "suspended_reason": "",
                    "created_at": now,
                }
                for c in contractors
            ],
        )
        conn.execute(
            insert(tables["profile"]),
            [
                {
                    "user_id": c.user_id,
                    "display_name": f"Member {c.user_id}",
                    "bio": c.bio,
                    "location": c.location,
                    "remote": c.remote,
                    "hourly_rate_minor": c.hourly_rate_minor,
                    "currency": "USD",
                    "portfolio_links": "",
                    "rating_total": c.rating_total,
                    "rating_count": c.rating_count,
                    "completed_contracts": c.completed,
                    "on_time_contracts": c.on_time,
                    "updated_at": now,
                }
                for c in contractors
            ],
        )
        conn.execute(
            insert(tables["profileskill"]),
            [
                {"user_id": c.user_id, "skill_id": skill_ids[s], "position": n}
                for c in contractors
                for n, s in enumerate(c.skills)
            ],
        )
