"""Reconciliation: does the ledger agree with itself, and with what the payment gateway says happened?

Three checks: (a) the books balance and every cached account balance matches its postings; (b) every payment
that came in (succeeded or refunded) shows the same amounts at the gateway, and each contract's fund and refund
entries add up to what the gateway took in and gave back; (c) every paid payout is a transfer the gateway has,
for the same amount and not reversed. The sandbox keeps no records of its own, so with it only (a) runs.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.models import Contract, JournalEntry, Payment, Payout, Posting
from jtbd_app.services.ledger.journal import cached_balance_mismatches, trial_balance
from jtbd_app.services.ports import PaymentFailed, PaymentGateway

T = TypeVar("T")
AT_ONCE = 8  # gateway reads in flight together (Stripe allows far more; this keeps a big run gentle)


@dataclass
class Report:
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return not self.differences

    def lines(self) -> list[str]:
        if self.agrees:
            return [*self.notes, "ledger and gateway agree"]
        return [*self.notes, f"{len(self.differences)} difference(s):", *(f"- {d}" for d in self.differences)]


async def reconcile(session: Session, *, gateway: PaymentGateway) -> Report:
    report = Report()
    _check_ledger(session, report)
    if gateway.name == "sandbox":
        report.notes.append("sandbox: ledger checks only")
        return report
    limit = asyncio.Semaphore(AT_ONCE)
    await _check_payments(session, gateway, report, limit)
    await _check_payouts(session, gateway, report, limit)
    return report


def _check_ledger(session: Session, report: Report) -> None:
    total = trial_balance(session)
    if total != 0:
        report.differences.append(f"The ledger does not balance: its postings sum to {total}, not 0.")
    for code, stored, derived in cached_balance_mismatches(session):
        report.differences.append(f"Account {code}: the stored balance is {stored}, its postings say {derived}.")


async def _read(
    limit: asyncio.Semaphore, external_id: str | None, call: Callable[[str], Awaitable[T]]
) -> T | PaymentFailed:
    if not external_id:
        return PaymentFailed("no gateway id was recorded", retryable=False)
    async with limit:
        try:
            return await call(external_id)
        except PaymentFailed as exc:
            return exc


async def _check_payments(session: Session, gateway: PaymentGateway, report: Report, limit: asyncio.Semaphore) -> None:
    payments = session.exec(
        select(Payment)
        .where(Payment.gateway == gateway.name, col(Payment.status).in_(("succeeded", "refunded")))
        .order_by(col(Payment.id))
    ).all()
    answers = await asyncio.gather(
        *(_read(limit, p.external_id, lambda i: gateway.payment_status(external_id=i)) for p in payments)
    )
    received: dict[int, int] = defaultdict(int)
    refunded: dict[int, int] = defaultdict(int)
    for payment, answer in zip(payments, answers, strict=True):
        name = f"Payment {payment.id} ({payment.external_id or 'no gateway id'}) of contract {payment.contract_id}"
        if isinstance(answer, PaymentFailed):
            report.differences.append(f"{name}: the gateway could not say ({answer.message})")
            continue
        status, got, gave_back = answer
        received[payment.contract_id] += got
        refunded[payment.contract_id] += gave_back
        if (status, got, gave_back) != ("succeeded", payment.amount_minor, payment.refunded_minor):
            report.differences.append(
                f"{name}: the gateway says {status}, {got} received, {gave_back} refunded; "
                f"we recorded {payment.status}, {payment.amount_minor} paid, {payment.refunded_minor} refunded."
            )
    funded, returned = _ledger_totals(session, gateway.name)
    for contract_id in sorted({*received, *funded, *returned}):
        gateway_says = (received[contract_id], refunded[contract_id])
        ledger_says = (funded.get(contract_id, 0), returned.get(contract_id, 0))
        if gateway_says != ledger_says:
            report.differences.append(
                f"Contract {contract_id}: the gateway took in {gateway_says[0]} and refunded {gateway_says[1]}; "
                f"the ledger funded {ledger_says[0]} and refunded {ledger_says[1]}."
            )


def _ledger_totals(session: Session, gateway_name: str) -> tuple[dict[int, int], dict[int, int]]:
    """Per contract held at this gateway: what its "fund" and its "refund" entries moved (their debits)."""
    rows = session.exec(
        select(JournalEntry.contract_id, JournalEntry.kind, func.sum(Posting.amount_minor))
        .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
        .join(Contract, col(Contract.id) == col(JournalEntry.contract_id))
        .where(
            col(JournalEntry.kind).in_(("fund", "refund")),
            Contract.gateway == gateway_name,
            col(Posting.amount_minor) > 0,
        )
        .group_by(col(JournalEntry.contract_id), col(JournalEntry.kind))
    ).all()
    totals: dict[str, dict[int, int]] = {"fund": {}, "refund": {}}
    for contract_id, kind, moved in rows:
        if contract_id is not None:
            totals[kind][contract_id] = int(moved or 0)
    return totals["fund"], totals["refund"]


async def _check_payouts(session: Session, gateway: PaymentGateway, report: Report, limit: asyncio.Semaphore) -> None:
    payouts = session.exec(
        select(Payout).where(Payout.gateway == gateway.name, Payout.status == "paid").order_by(col(Payout.id))
    ).all()
    answers = await asyncio.gather(
        *(_read(limit, p.external_id, lambda i: gateway.transfer_status(external_id=i)) for p in payouts)
    )
    for payout, answer in zip(payouts, answers, strict=True):
        name = f"Payout {payout.id} ({payout.external_id or 'no gateway id'}) to user {payout.user_id}"
        if isinstance(answer, PaymentFailed):
            report.differences.append(f"{name}: the gateway could not say ({answer.message})")
        elif answer != ("paid", payout.amount_minor, 0):
            status, sent, taken_back = answer
            report.differences.append(
                f"{name}: the gateway says {status}, {sent} sent, {taken_back} reversed; "
                f"we recorded paid, {payout.amount_minor}."
            )
