"""On SQLite too, a unit of work is one transaction: a webhook's event id commits with its effect or not at all, what
a unit of work read is still true when it writes, and balances move by deltas (issue 10, cases 1 to 3)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from jtbd_app.db import get_engine, session_scope
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import Contract, LedgerAccount, utcnow
from jtbd_app.services.contracts import deliveries, webhooks
from jtbd_app.services.ledger import journal
from jtbd_app.services.ports import GatewayEvent
from tests.support.contracts import Deal, agreed_contract, approve, deliver, fund, run_jobs
from tests.support.gateways import ScriptedGateway
from tests.support.members import make_user
from tests.support.stripe_contracts import pending_stripe_payment


@contextmanager
def before_statement(marker: str, act: Callable[[], None]) -> Iterator[None]:
    """Calls `act` once, just before the app's engine runs the first statement containing `marker`."""
    done = threading.Event()

    def hook(*args: Any) -> None:
        if marker in str(args[2]) and not done.is_set():
            done.set()
            act()

    event.listen(get_engine(), "before_cursor_execute", hook)
    try:
        yield
    finally:
        event.remove(get_engine(), "before_cursor_execute", hook)


def payment_succeeded(external_id: str, amount: int) -> GatewayEvent:
    return GatewayEvent(
        id=f"evt_succeeded_{external_id}",
        kind="payment_intent.succeeded",
        object_id=external_id,
        amount_minor=amount,
        currency="USD",
        charge_id=f"ch_{external_id}",
    )


def deliver_webhook(evt: GatewayEvent) -> str:
    """As the webhook route does: one unit of work; an exception means a 500 and the gateway sends it again."""
    with session_scope() as session:
        return webhooks.process_event(session, gateway_name="stripe", event=evt)


def test_a_webhook_that_fails_half_way_leaves_nothing_behind_so_the_gateways_retry_funds_the_escrow(
    deal: Deal, db: Session
) -> None:
    # Given a card payment the gateway took, and a database that fails the first time the handler writes
    amount, external_id = pending_stripe_payment(deal), "pi_1"

    def fail() -> None:
        raise RuntimeError("database is locked")

    evt = payment_succeeded(external_id, amount)
    with before_statement("UPDATE contract", fail), pytest.raises(RuntimeError):
        deliver_webhook(evt)

    # Then nothing of it was kept, not even the event id, and the gateway's retry does the work
    db.expire_all()
    assert db.get(Contract, deal.contract_id).status == "awaiting_funding"  # type: ignore[union-attr]
    assert deliver_webhook(evt) == "funded"
    assert deliver_webhook(evt) == webhooks.DUPLICATE
    db.expire_all()
    assert db.get(Contract, deal.contract_id).status == "funded"  # type: ignore[union-attr]


class Meanwhile:
    """Another worker's action, started in its own thread (its own connection) just before the app's engine runs the
    first statement containing `marker`, given a second to finish before the first worker goes on."""

    def __init__(self, marker: str, action: Callable[[], object]) -> None:
        self.marker, self.action = marker, action
        self.thread: threading.Thread | None = None
        self.result: object = None

    def _run(self) -> None:
        try:
            self.result = self.action()
        except Exception as exc:  # the test looks at what it did
            self.result = exc

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.thread.join(timeout=1)  # on old code it finishes at once; with the fix it waits for the first worker

    def __enter__(self) -> Meanwhile:
        self._hook = before_statement(self.marker, self.start)
        self._hook.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._hook.__exit__(None, None, None)
        assert self.thread is not None, f"no statement contained {self.marker!r}"
        self.thread.join(timeout=60)


def test_two_releases_to_one_contractor_at_once_both_reach_the_cached_balance(db: Session) -> None:
    # Given two delivered contracts of one contractor
    ken = make_user("ken")
    first, second = (agreed_contract(make_user(name), ken, price="100") for name in ("carol", "kim"))
    for deal in (first, second):
        fund(deal)
        deliver(deal)

    # When the second client approves while the first approval is posting its release
    with Meanwhile("INSERT INTO journalentry", lambda: approve(second)) as other:
        approve(first)

    # Then both releases counted, and the cached balance is what the postings say
    assert not isinstance(other.result, Exception), other.result
    with session_scope() as session:
        assert journal.cached_balance_mismatches(session) == []
        payable = session.exec(select(LedgerAccount).where(LedgerAccount.code == f"payable:user:{ken.id}:USD")).one()
        assert journal.balance(session, payable) == payable.balance_minor == 2 * 9_000


def test_a_revision_request_during_the_auto_release_waits_and_is_then_refused(deal: Deal, db: Session) -> None:
    # Given a delivery whose auto-release is due
    fund(deal)
    deliver(deal)

    def ask_for_a_revision() -> int:
        with session_scope() as session:
            return deliveries.request_revision(
                session, viewer=deal.client, contract_id=deal.contract_id, reason="The logo is missing."
            )

    # When the client asks for a revision just after the scheduler's job read the contract
    with Meanwhile("FROM delivery", ask_for_a_revision) as other:
        run_jobs(ScriptedGateway(), now=utcnow() + timedelta(days=8))

    # Then the escrow was released and the request, made too late, was refused
    db.expire_all()
    contract = db.get(Contract, deal.contract_id)
    assert contract is not None and contract.status == "completed"
    assert isinstance(other.result, ValidationFailed), other.result
    assert journal.get_account(db, kind="escrow", currency="USD", contract_id=deal.contract_id).balance_minor == 0
