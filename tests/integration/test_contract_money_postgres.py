"""Contract money on PostgreSQL: two workers or two clicks racing move money once, and the database itself
refuses edits of posted entries, unbalanced entries and balances below zero."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, select

from jtbd_app import cli
from jtbd_app.config import _normalise_db_url
from jtbd_app.db import get_engine, session_scope
from jtbd_app.domain.contract_rules import Split
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import JournalEntry, Payment, Payout, Posting, ScheduledJob, User, utcnow
from jtbd_app.services.accounts import terms
from jtbd_app.services.contracts import funding, jobs
from jtbd_app.services.ledger import journal
from jtbd_app.services.scheduler import JobContext
from tests.support.contracts import Deal, agreed_contract, approve, deliver, fund, run_jobs
from tests.support.database import database_env, use_database
from tests.support.gateways import ScriptedGateway
from tests.support.members import sign_up

PRICE = 10_000  # "100" USD; the fee is 10%


@pytest.fixture(autouse=True)
def database(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh database built by the migrations (with the ledger's triggers) and two members: an empty ledger."""
    cli.migrate(_normalise_db_url(postgres_url))
    with use_database(monkeypatch, database_env(postgres_url)):
        with session_scope() as session:
            terms.publish_terms(session, title="Terms", body="Be nice.")
        for name in ("alice", "bob"):
            with session_scope() as session:
                sign_up(session, name)
        yield


def member(username: str) -> User:
    with session_scope() as session:
        return session.exec(select(User).where(User.username == username)).one()


def new_deal() -> Deal:
    return agreed_contract(member("alice"), member("bob"), price="100")


def delivered_deal() -> Deal:
    deal = new_deal()
    fund(deal)
    deliver(deal)
    return deal


def race(*actions: Callable[[], object], holding: str) -> list[object]:
    """Run the actions in threads while a third transaction holds the rows `holding` selects (FOR UPDATE), and let
    go only once every racer waits on a lock: the racers surely overlap. Returns each one's result or exception."""
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            results[index] = action()
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    with Session(get_engine()) as blocker:
        assert blocker.execute(text(f"{holding} FOR UPDATE")).all(), "nothing to hold"
        for thread in threads:
            thread.start()
        met = wait_for_waiters(len(actions))
        blocker.rollback()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer never finished (a deadlock?)"
    assert met, f"the racers never all waited on a lock at once: {results}"
    return results


def wait_for_waiters(count: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    with get_engine().connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            watcher.rollback()
            if waiting >= count:
                return True
            time.sleep(0.02)
    return False


def the_contract(deal: Deal) -> str:
    return f"SELECT id FROM contract WHERE id = {deal.contract_id}"


def auto_release_time(deal: Deal) -> datetime:
    delivered_at = deal.load().delivered_at
    assert delivered_at is not None
    return delivered_at + timedelta(days=deal.load().auto_release_days, minutes=1)


def entries(session: Session, kind: str, contract_id: int | None = None) -> list[JournalEntry]:
    query = select(JournalEntry).where(JournalEntry.kind == kind)
    if contract_id is not None:
        query = query.where(JournalEntry.contract_id == contract_id)
    return list(session.exec(query).all())


def balances() -> dict[str, int]:
    with session_scope() as session:
        assert journal.trial_balance(session) == 0 and journal.cached_balance_mismatches(session) == []
        return journal.balances_by_code(session)


def test_two_approvals_at_once_release_the_escrow_once_and_the_other_is_told_why() -> None:
    deal = delivered_deal()
    outcomes = race(lambda: approve(deal), lambda: approve(deal), holding=the_contract(deal))
    assert sorted(type(o).__name__ for o in outcomes) == ["Split", "ValidationFailed"], outcomes
    refusal = next(o for o in outcomes if isinstance(o, ValidationFailed))
    assert refusal.message == "There is no delivery waiting for your approval."
    assert run_jobs(ScriptedGateway()) == 1  # the payout
    with session_scope() as session:
        assert len(entries(session, "release")) == 1
        payouts = session.exec(select(Payout)).all()
        assert [(p.amount_minor, p.status) for p in payouts] == [(9_000, "paid")]
    got = balances()
    assert got["fee_revenue:USD"] == 1_000 and got["platform_cash:USD"] == 1_000
    assert got[f"payable:user:{deal.contractor.user_id}:USD"] == 0
    assert got[f"escrow:contract:{deal.contract_id}:USD"] == 0


def test_the_automatic_release_and_an_approval_at_once_release_once() -> None:
    deal = delivered_deal()
    when = auto_release_time(deal)
    run_jobs(ScriptedGateway(), now=when - timedelta(hours=2))  # the reminder: now only the release is due
    outcomes = race(lambda: run_jobs(ScriptedGateway(), now=when), lambda: approve(deal), holding=the_contract(deal))
    assert outcomes[0] == 1 and isinstance(outcomes[1], Split | ValidationFailed), outcomes
    assert deal.load().status == "completed"
    run_jobs(ScriptedGateway())
    with session_scope() as session:
        assert len(entries(session, "release")) == 1
        assert [p.status for p in session.exec(select(Payout)).all()] == ["paid"]
    got = balances()
    assert got["fee_revenue:USD"] == 1_000 and got["platform_cash:USD"] == 1_000


def test_two_payments_succeeding_at_once_fund_the_escrow_once_and_the_other_goes_back() -> None:
    # Given two card payments of one contract, both waiting for the gateway's word (two tabs)
    deal = new_deal()
    gateway = ScriptedGateway()
    gateway.confirm_by_webhook = True
    for _ in range(2):
        outcome = fund(deal, gateway, "4242424242424242")
        assert outcome.status == "requires_action"
    with session_scope() as session:
        external_ids = [p.external_id for p in session.exec(select(Payment)).all()]

    # When the gateway says both succeeded, at the same moment
    def succeeded(external_id: str | None) -> str:
        assert external_id is not None
        with session_scope() as session:
            return funding.record_payment_succeeded(
                session, external_id=external_id, charge_id=f"ch_{external_id}", amount_minor=PRICE, currency="USD"
            )

    outcomes = race(*(lambda e=e: succeeded(e) for e in external_ids), holding=the_contract(deal))  # type: ignore[misc]

    # Then the escrow is funded once and the other payment is held to go back, with a refund job
    assert sorted(outcomes) == ["funded", "payment not needed; refund scheduled"], outcomes  # type: ignore[type-var]
    assert deal.load().status == "funded"
    with session_scope() as session:
        assert len(entries(session, "fund", deal.contract_id)) == 1
        payments = {p.status: p for p in session.exec(select(Payment)).all()}
        assert set(payments) == {"succeeded", "returning"}
        job = session.exec(select(ScheduledJob).where(ScheduledJob.kind == "refund_payment")).one()
        assert job.key == f"refund_payment:{payments['returning'].id}" and job.status == "pending"
    got = balances()
    assert got["platform_cash:USD"] == 2 * PRICE and got["refund_due:USD"] == PRICE
    assert got[f"escrow:contract:{deal.contract_id}:USD"] == PRICE

    # And the scheduled job gives it back
    assert run_jobs(ScriptedGateway()) == 1
    got = balances()
    assert got["platform_cash:USD"] == PRICE and got["refund_due:USD"] == 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE posting SET amount_minor = amount_minor * 2",
        "DELETE FROM posting",
        "UPDATE journalentry SET memo = 'changed'",
        "DELETE FROM journalentry",
    ],
)
def test_the_database_refuses_to_edit_or_delete_a_posted_entry(statement: str) -> None:
    fund(new_deal())
    with pytest.raises(DBAPIError, match="posted ledger entries are never edited or deleted"), session_scope() as s:
        s.execute(text(statement))
    with session_scope() as session:
        assert len(session.exec(select(Posting)).all()) == 2
        assert [e.memo.startswith("Escrow funded") for e in session.exec(select(JournalEntry)).all()] == [True]


def test_the_database_refuses_at_commit_an_entry_whose_postings_do_not_sum_to_zero() -> None:
    deal = new_deal()
    fund(deal)
    with Session(get_engine()) as session:
        cash = journal.get_account(session, kind="platform_cash", currency="USD")
        escrow = journal.get_account(session, kind="escrow", currency="USD", contract_id=deal.contract_id)
        entry = JournalEntry(idempotency_key="raw:unbalanced", kind="test", currency="USD")
        session.add(entry)
        session.flush()
        assert entry.id is not None and cash.id is not None and escrow.id is not None
        session.add(Posting(entry_id=entry.id, account_id=cash.id, amount_minor=500))
        session.add(Posting(entry_id=entry.id, account_id=escrow.id, amount_minor=-400))
        session.flush()  # the check is deferred: the rows go in ...
        with pytest.raises(DBAPIError, match="does not balance"):
            session.commit()  # ... and the commit refuses them
    with session_scope() as session:
        assert journal.find_entry(session, "raw:unbalanced") is None
        assert journal.trial_balance(session) == 0


def test_the_database_refuses_a_balance_below_zero() -> None:
    fund(new_deal())
    with (
        pytest.raises(IntegrityError, match="ck_ledger_account_not_negative"),
        session_scope() as session,
    ):
        session.execute(text("UPDATE ledgeraccount SET balance_minor = -1 WHERE kind = 'escrow'"))
    assert balances()["platform_cash:USD"] == PRICE


def test_two_scheduler_workers_run_each_due_automatic_release_once() -> None:
    deals = [delivered_deal() for _ in range(3)]
    when = max(auto_release_time(deal) for deal in deals)
    runs: Counter[str] = Counter()
    lock = threading.Lock()

    async def counted_auto_release(context: JobContext) -> str:
        with lock:
            runs[context.key] += 1
        return await jobs.HANDLERS["auto_release"](context)

    handlers = {**jobs.HANDLERS, "auto_release": counted_auto_release}
    done = race(
        lambda: run_jobs(ScriptedGateway(), now=when, handlers=handlers),
        lambda: run_jobs(ScriptedGateway(), now=when, handlers=handlers),
        holding="SELECT id FROM scheduledjob WHERE kind = 'auto_release'",
    )
    assert sum(done) == 6  # type: ignore[arg-type]  # three releases and three reminders, between the two workers
    assert sorted(runs.values()) == [1, 1, 1], runs
    with session_scope() as session:
        releases = session.exec(select(ScheduledJob).where(ScheduledJob.kind == "auto_release")).all()
        assert [(j.status, j.attempts) for j in releases] == [("done", 1)] * 3
        assert len(entries(session, "release")) == 3
    assert all(deal.load().status == "completed" for deal in deals)


def test_the_wallet_sums_earnings_by_month_in_postgresql() -> None:
    """The chart's monthly sums are dialect-specific SQL (to_char in UTC here, strftime on SQLite)."""
    from jtbd_app.services.contracts import wallet_view

    deal = delivered_deal()
    approve(deal)
    with session_scope() as session:
        shown = wallet_view.wallet(session, viewer=deal.contractor)
    [chart] = shown.charts
    assert chart.currency == "USD"
    assert chart.months[-1].month == utcnow().strftime("%b %Y") and chart.months[-1].earned == 90
    assert sum(m.earned for m in chart.months) == 90 and shown.summaries[0].available == "$90.00"


def test_the_clients_totals_chart_and_receipt_read_the_ledger_in_postgresql() -> None:
    """The totals' queries (subqueries per owner, a boolean column made DISTINCT) and the receipt, on PostgreSQL."""
    from jtbd_app.services.contracts import receipts, wallet_view

    deal = delivered_deal()
    approve(deal)
    with session_scope() as session:
        shown = wallet_view.wallet(session, viewer=deal.client)
        [row] = shown.history
        receipt = receipts.receipt(session, viewer=deal.client, payment_id=row.receipt_link.rsplit("/", 1)[-1])
    [usd] = shown.summaries
    assert usd.as_client and not usd.as_contractor
    assert (usd.paid_in, usd.spent, usd.fees, usd.in_escrow, usd.refunded) == (
        "$100.00",
        "$100.00",
        "$10.00",
        "$0.00",
        "$0.00",
    )
    assert [(c.currency, c.months[-1].paid_in) for c in shown.charts] == [("USD", 100)]
    assert (receipt.amount, receipt.fee, receipt.total) == ("$100.00", "$10.00", "$100.00")
