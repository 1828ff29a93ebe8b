"""`make reconcile` reads the books in one short read and closes it before it asks the gateway anything: a slow
gateway holds no database connection, transaction or snapshot (issue 10, case 10). A gateway that cannot answer is a
difference, never agreement."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event

from jtbd_app import cli
from jtbd_app.db import get_engine, session_scope
from jtbd_app.services.contracts import payouts
from jtbd_app.services.ports import GatewayPayment, GatewayResult, GatewayTransfer, PaymentFailed
from tests.support.contracts import Deal, approve, deliver, fund, run_jobs
from tests.support.gateways import ScriptedGateway


class NotesHeldConnections(ScriptedGateway):
    """A gateway with records of its own (so reconciliation asks it), answering from the money it moved, that notes
    how many database connections the app held each time it was asked."""

    name = "scripted"

    def __init__(self) -> None:
        super().__init__()
        self.held = 0
        self.asked: list[tuple[str, int]] = []  # (what, connections held then)
        self.sent: dict[str, int] = {}  # transfer id -> amount
        self.reads_fail = False

    def _asked(self, what: str) -> None:
        self.asked.append((what, self.held))
        if self.reads_fail:
            raise PaymentFailed("The payment service did not answer.")

    async def transfer(self, **kwargs: Any) -> GatewayResult:
        result = await super().transfer(**kwargs)
        self.sent[result.external_id] = kwargs["amount_minor"]
        return result

    async def payment_status(self, *, external_id: str) -> tuple[str, int, int]:
        self._asked("payment")
        return "succeeded", self.charges[external_id][0], self.refunds.get(external_id, 0)

    async def transfer_status(self, *, external_id: str) -> tuple[str, int, int]:
        self._asked("transfer")
        return "paid", self.sent[external_id], 0

    async def recent_payments(self, *, since: datetime, limit: int) -> list[GatewayPayment]:
        self._asked("payments")
        return []

    async def recent_transfers(self, *, since: datetime, limit: int) -> list[GatewayTransfer]:
        self._asked("transfers")
        return []


@contextlib.contextmanager
def connections_counted(gateway: NotesHeldConnections) -> Iterator[None]:
    """`gateway.held` follows the connections checked out of the app's engine pool."""

    def out(*_args: Any) -> None:
        gateway.held += 1

    def back(*_args: Any) -> None:
        gateway.held -= 1

    engine = get_engine()
    event.listen(engine, "checkout", out)
    event.listen(engine, "checkin", back)
    try:
        yield
    finally:
        event.remove(engine, "checkout", out)
        event.remove(engine, "checkin", back)


def paid_in_and_out(deal: Deal, gateway: NotesHeldConnections) -> None:
    """Funded by card, delivered, approved, the contractor's payout account opened and the payout sent."""
    fund(deal, gateway)
    deliver(deal)
    approve(deal)
    asyncio.run(
        payouts.start_onboarding(
            session_factory=session_scope,
            gateway=gateway,
            viewer=deal.contractor,
            refresh_url="http://app.test/wallet?again=1",
            return_url="http://app.test/wallet",
        )
    )
    run_jobs(gateway)


def test_the_gateway_is_read_with_no_database_connection_held(deal: Deal, capsys: pytest.CaptureFixture[str]) -> None:
    gateway = NotesHeldConnections()
    paid_in_and_out(deal, gateway)

    with connections_counted(gateway):
        code = cli.reconcile(gateway=gateway)

    assert (code, capsys.readouterr().out) == (0, "ledger and gateway agree\n")
    assert sorted(what for what, _held in gateway.asked) == ["payment", "payments", "transfer", "transfers"]
    assert [held for _what, held in gateway.asked] == [0, 0, 0, 0]


def test_a_gateway_that_cannot_answer_is_listed_as_differences(deal: Deal, capsys: pytest.CaptureFixture[str]) -> None:
    gateway = NotesHeldConnections()
    paid_in_and_out(deal, gateway)
    gateway.reads_fail = True

    code = cli.reconcile(gateway=gateway)

    out = capsys.readouterr().out
    assert code == 1
    assert "4 difference(s):" in out
    for what in ("payments", "transfers"):
        assert (
            f"- The gateway's list of {what} could not be read (The payment service did not answer.): those we have "
            "no record of are not known; run `make reconcile` again in a moment.\n" in out
        )
    assert (
        "(The payment service did not answer.): run `make reconcile` again; if it persists, look the payment up" in out
    )
    assert (
        "(The payment service did not answer.): run `make reconcile` again; if it persists, look the transfer up" in out
    )
