"""The money paths under a busy ledger: funding by webhook, approval with release, and the wallet page.

One client and one contractor share thousands of contracts, so every release locks the same payable account and
the wallet's history runs to thousands of rows: the worst case for a small team's deployment.

`parallel_releases` is the other case: releases of contracts that share no party, from several threads at once,
which touch no common row but the platform's own accounts (fee revenue), so it shows how much those serialise.
"""

from __future__ import annotations

import queue
import statistics
import threading
import time
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine, func, select

from jtbd_app import cli
from jtbd_app.models import Bid, Contract, Delivery, JournalEntry, Listing, Payment, Profile, User, utcnow
from jtbd_app.services.contracts import deliveries, funding, wallet_view
from jtbd_app.services.ledger import journal
from jtbd_app.services.viewer import Viewer

# Money events happen a few times per contract, so a handler budget of 50 ms (well under the 100 ms a click may
# take before it feels slow) is the target; the wallet is read far more often and gets 25 ms.
TARGETS_MS = {"fund (webhook)": 50.0, "approve + release": 50.0, "wallet page": 25.0}


def _people(session: Session) -> tuple[Viewer, Viewer]:
    for uid, name in ((1, "client"), (2, "worker")):
        session.add(User(id=uid, email=f"{name}@example.com", username=name, password_hash=None))
    session.flush()
    for uid, name in ((1, "Client"), (2, "Worker")):
        session.add(Profile(user_id=uid, display_name=name))
    session.flush()
    return Viewer(1, "client", "Client", "user", "active"), Viewer(2, "worker", "Worker", "user", "active")


def _contracts(session: Session, count: int) -> list[int]:
    ids = []
    for i in range(count):
        listing = Listing(owner_id=1, status="closed", title=f"Task {i}", description="Work.", budget_minor=10_000)
        session.add(listing)
        session.flush()
        assert listing.id is not None
        bid = Bid(
            listing_id=listing.id, bidder_id=2, status="accepted", amount_minor=10_000, currency="USD", delivery_days=5
        )
        session.add(bid)
        session.flush()
        assert bid.id is not None
        contract = Contract(
            listing_id=listing.id,
            bid_id=bid.id,
            client_id=1,
            contractor_id=2,
            status="awaiting_funding",
            amount_minor=10_000 + i,
            currency="USD",
            delivery_days=5,
        )
        session.add(contract)
        session.flush()
        assert contract.id is not None
        session.add(
            Payment(
                contract_id=contract.id,
                payer_id=1,
                gateway="stripe",
                amount_minor=contract.amount_minor,
                currency="USD",
                external_id=f"pi_{contract.id}",
            )
        )
        ids.append(contract.id)
    session.commit()
    return ids


def _quantiles(samples: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(samples, n=100)
    return q[49], q[94]


def bench(url: str, *, contracts: int) -> dict[str, tuple[float, float]]:
    cli.migrate(url)
    engine = create_engine(url)
    with Session(engine) as session:
        client, worker = _people(session)
        ids = _contracts(session, contracts)
    fund_ms, approve_ms, wallet_ms = [], [], []
    for contract_id in ids:
        with Session(engine, expire_on_commit=False) as session:
            amount = 10_000 + contract_id - ids[0]
            start = time.perf_counter()
            funding.record_payment_succeeded(
                session,
                external_id=f"pi_{contract_id}",
                charge_id=f"ch_{contract_id}",
                amount_minor=amount,
                currency="USD",
            )
            session.commit()
            fund_ms.append((time.perf_counter() - start) * 1000)
    for contract_id in ids:  # delivered, as the contractor's delivery leaves it (timed on its own elsewhere)
        with Session(engine) as session:
            session.add(Delivery(contract_id=contract_id, number=1, message="Done."))
            contract = session.get(Contract, contract_id)
            assert contract is not None
            contract.status, contract.delivered_at = "delivered", utcnow()
            session.add(contract)
            session.commit()
    for contract_id in ids:
        with Session(engine, expire_on_commit=False) as session:
            start = time.perf_counter()
            deliveries.approve_delivery(session, viewer=client, contract_id=contract_id)
            session.commit()
            approve_ms.append((time.perf_counter() - start) * 1000)
    if engine.dialect.name == "postgresql":  # as autovacuum would after this much writing
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    with Session(engine) as session:
        for i in range(200):
            start = time.perf_counter()
            wallet_view.wallet(session, viewer=worker, page=1 + i % 5)
            wallet_ms.append((time.perf_counter() - start) * 1000)
    engine.dispose()
    return {
        "fund (webhook)": _quantiles(fund_ms),
        "approve + release": _quantiles(approve_ms),
        "wallet page": _quantiles(wallet_ms),
    }


@dataclass(frozen=True)
class ReleaseRound:
    releases: int
    seconds: float
    p50_ms: float
    p95_ms: float
    failures: int

    @property
    def per_second(self) -> float:
        return self.releases / self.seconds


def _delivered_pairs(session: Session, count: int, first_user: int) -> list[tuple[int, Viewer]]:
    """`count` funded and delivered contracts, each between a client and a contractor of its own: (id, client)."""
    made = []
    for i in range(count):
        client_id, contractor_id = first_user + 2 * i, first_user + 2 * i + 1
        for uid in (client_id, contractor_id):
            session.add(User(id=uid, email=f"m{uid}@example.com", username=f"member{uid}", password_hash=None))
        session.flush()
        for uid in (client_id, contractor_id):
            session.add(Profile(user_id=uid, display_name=f"Member {uid}"))
        listing = Listing(
            owner_id=client_id, status="closed", title=f"Task {i}", description="Work.", budget_minor=10_000
        )
        session.add(listing)
        session.flush()
        assert listing.id is not None
        bid = Bid(
            listing_id=listing.id,
            bidder_id=contractor_id,
            status="accepted",
            amount_minor=10_000,
            currency="USD",
            delivery_days=5,
        )
        session.add(bid)
        session.flush()
        assert bid.id is not None
        contract = Contract(
            listing_id=listing.id,
            bid_id=bid.id,
            client_id=client_id,
            contractor_id=contractor_id,
            status="awaiting_funding",
            amount_minor=10_000,
            currency="USD",
            delivery_days=5,
        )
        session.add(contract)
        session.flush()
        assert contract.id is not None
        session.add(
            Payment(
                contract_id=contract.id,
                payer_id=client_id,
                gateway="stripe",
                amount_minor=10_000,
                currency="USD",
                external_id=f"pi_{contract.id}",
            )
        )
        session.flush()
        funding.record_payment_succeeded(
            session, external_id=f"pi_{contract.id}", charge_id=f"ch_{contract.id}", amount_minor=10_000, currency="USD"
        )
        contractor = Viewer(contractor_id, f"member{contractor_id}", f"Member {contractor_id}", "user", "active")
        deliveries.submit_delivery(session, viewer=contractor, contract_id=contract.id, message="Done.")
        made.append((contract.id, Viewer(client_id, f"member{client_id}", f"Member {client_id}", "user", "active")))
    session.commit()
    return made


def _release_round(engine: Engine, work: list[tuple[int, Viewer]], threads: int) -> ReleaseRound:
    """Approve every contract in `work` from `threads` threads, each with its own session and connection."""
    todo: queue.SimpleQueue[tuple[int, Viewer]] = queue.SimpleQueue()
    for item in work:
        todo.put(item)
    samples: list[float] = []
    failures: list[str] = []
    connected, ready = threading.Barrier(threads), threading.Barrier(threads + 1)

    def release_all() -> None:
        with engine.connect():  # all connected at once, so the pool holds one for each before the clock runs
            connected.wait()
        ready.wait()
        while True:
            try:
                contract_id, client = todo.get_nowait()
            except queue.Empty:
                return
            start = time.perf_counter()
            try:
                with Session(engine, expire_on_commit=False) as session:
                    deliveries.approve_delivery(session, viewer=client, contract_id=contract_id)
                    session.commit()
            except Exception as exc:  # counted and shown: a release that failed is no throughput
                failures.append(f"contract {contract_id}: {type(exc).__name__}: {exc}"[:300])
                continue
            samples.append((time.perf_counter() - start) * 1000)

    workers = [threading.Thread(target=release_all) for _ in range(threads)]
    for worker in workers:
        worker.start()
    ready.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    for failure in failures[:5]:
        print(f"  release failed: {failure}")
    p50, p95 = _quantiles(samples) if len(samples) > 1 else (float("nan"), float("nan"))
    return ReleaseRound(len(samples), seconds, p50, p95, len(failures))


def parallel_releases(url: str, *, contracts: int, threads: int, rounds: int) -> list[ReleaseRound]:
    """`rounds` rounds, each releasing `contracts` funded and delivered contracts (every one between a client and a
    contractor of its own) from `threads` threads at once; the books must balance after."""
    cli.migrate(url)
    engine = create_engine(url, pool_size=threads, max_overflow=0)
    with Session(engine) as session:
        batches = [_delivered_pairs(session, contracts, first_user=1 + r * 2 * contracts) for r in range(rounds)]
    if engine.dialect.name == "postgresql":  # as autovacuum would after this much writing
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    results = [_release_round(engine, batch, threads) for batch in batches]
    with Session(engine) as session:
        released = session.exec(select(func.count()).where(JournalEntry.kind == "release")).one()
        assert journal.trial_balance(session) == 0, "the books do not balance after the parallel releases"
        assert released == sum(r.releases for r in results), "a release was booked twice or not at all"
    engine.dispose()
    return results
