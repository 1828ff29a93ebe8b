"""A member's money totals, one summary per currency they use, summed from the ledger's postings in SQL.

As a client (per currency):
- paid in: what the gateway took from them into an escrow of theirs (the cash leg of `fund` and `fund_problem`);
- spent: what was released from their contracts' escrows to contractors: the contractor's share plus the platform
  fee (the escrow leg of `release`), and of that, the fee (the `fee_revenue` leg);
- in escrow: what their contracts' and problems' escrows hold now;
- refunded: what went back to them (the cash leg of `refund` and `refund_problem`).
As a contractor: earned (released to them, after the fee), pending (in escrow for their work), available (not yet
paid out) and paid out (net of reversals).

A currency is shown when the member has a contract in it (either side), a payable account in it, or any figure in it;
a member with none gets no summary at all (the page says so), never "$0.00" in a currency they never used.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from jtbd_app.domain.contract_rules import ESCROW_HELD
from jtbd_app.domain.money import CURRENCIES, Money
from jtbd_app.models import Contract, JournalEntry, LedgerAccount, Posting, Problem

HOLDING = (*ESCROW_HELD, "refunding")
CLIENT_FIGURES = ("paid_in", "spent", "fees", "in_escrow", "refunded")
CONTRACTOR_FIGURES = ("earned", "pending", "available", "paid_out")


@dataclass(frozen=True)
class CurrencySummary:
    """One currency's totals, each formatted in that currency; `as_client` / `as_contractor` say which side shows."""

    currency: str = ""
    as_client: bool = False
    paid_in: str = ""
    spent: str = ""
    fees: str = ""
    in_escrow: str = ""
    refunded: str = ""
    as_contractor: bool = False
    earned: str = ""
    pending: str = ""
    available: str = ""
    paid_out: str = ""


Totals = dict[str, dict[str, int]]  # figure -> currency -> minor units


def summaries(session: Session, *, user_id: int, payable: list[LedgerAccount]) -> list[CurrencySummary]:
    """The member's totals per currency they use, in currency code order."""
    figures: Totals = defaultdict(lambda: defaultdict(int))
    payable_ids = [a.id for a in payable if a.id is not None]
    for account in payable:
        figures["available"][account.currency] += account.balance_minor
    _client_cash(session, user_id, figures)
    _client_releases(session, user_id, figures)
    _escrows(session, user_id, figures)
    _contractor_ledger(session, payable_ids, figures)
    client_currencies, contractor_currencies = _contract_currencies(session, user_id)
    contractor_currencies |= {a.currency for a in payable}
    client_currencies |= _problem_currencies(session, user_id)
    for name in CLIENT_FIGURES:
        client_currencies |= {c for c, amount in figures[name].items() if amount}
    for name in CONTRACTOR_FIGURES:
        contractor_currencies |= {c for c, amount in figures[name].items() if amount}
    result = []
    for currency in sorted((client_currencies | contractor_currencies) & set(CURRENCIES)):

        def shown(name: str, currency: str = currency) -> str:
            return Money(figures[name][currency], currency).format()

        result.append(
            CurrencySummary(
                currency=currency,
                as_client=currency in client_currencies,
                paid_in=shown("paid_in"),
                spent=shown("spent"),
                fees=shown("fees"),
                in_escrow=shown("in_escrow"),
                refunded=shown("refunded"),
                as_contractor=currency in contractor_currencies,
                earned=shown("earned"),
                pending=shown("pending"),
                available=shown("available"),
                paid_out=shown("paid_out"),
            )
        )
    return result


def paid_by(user_id: int) -> tuple[Any, Any]:
    """Two predicates on journal entries: of the member's contracts as the client, and of their problems. Queried one
    at a time (each through its own index: an OR of the two would read every funding entry of the platform)."""
    contracts = select(Contract.id).where(Contract.client_id == user_id)
    problems = select(Problem.id).where(Problem.owner_id == user_id)
    return col(JournalEntry.contract_id).in_(contracts), col(JournalEntry.problem_id).in_(problems)


def _client_cash(session: Session, user_id: int, figures: Totals) -> None:
    """Paid in and refunded: the platform cash legs of the entries that took the member's money or gave it back."""
    for owner, kinds in zip(paid_by(user_id), (("fund", "refund"), ("fund_problem", "refund_problem")), strict=True):
        rows = session.exec(
            select(JournalEntry.kind, JournalEntry.currency, func.sum(Posting.amount_minor))
            .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
            .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
            .where(col(LedgerAccount.kind) == "platform_cash", col(JournalEntry.kind).in_(kinds), owner)
            .group_by(col(JournalEntry.kind), col(JournalEntry.currency))
        ).all()
        for kind, currency, amount in rows:
            if kind in ("fund", "fund_problem"):
                figures["paid_in"][currency] += int(amount or 0)  # cash debited: money in
            else:
                figures["refunded"][currency] -= int(amount or 0)  # cash credited: money back out


def _client_releases(session: Session, user_id: int, figures: Totals) -> None:
    """Spent: the escrow legs of the releases of the member's contracts; the fee: their fee revenue legs."""
    rows = session.exec(
        select(LedgerAccount.kind, JournalEntry.currency, func.sum(Posting.amount_minor))
        .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
        .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
        .join(Contract, col(Contract.id) == col(JournalEntry.contract_id))
        .where(
            col(JournalEntry.kind) == "release",
            col(Contract.client_id) == user_id,
            col(LedgerAccount.kind).in_(("escrow", "fee_revenue")),
        )
        .group_by(col(LedgerAccount.kind), col(JournalEntry.currency))
    ).all()
    for kind, currency, amount in rows:
        if kind == "escrow":
            figures["spent"][currency] += int(amount or 0)  # escrow debited: money out to the contractor and fee
        else:
            figures["fees"][currency] -= int(amount or 0)  # fee revenue credited


def _escrows(session: Session, user_id: int, figures: Totals) -> None:
    """What escrows hold now: for the member's work (pending) and of their money (in escrow). Only contracts whose
    escrow can hold money are read (a completed contract's escrow is empty)."""
    rows = session.exec(
        select(Contract.client_id, LedgerAccount.currency, func.sum(LedgerAccount.balance_minor))
        .join(Contract, col(Contract.id) == col(LedgerAccount.contract_id))
        .where(
            LedgerAccount.kind == "escrow",
            col(Contract.status).in_(HOLDING),
            or_(col(Contract.client_id) == user_id, col(Contract.contractor_id) == user_id),
        )
        .group_by(col(Contract.client_id), col(LedgerAccount.currency))
    ).all()
    for client_id, currency, amount in rows:
        figures["in_escrow" if client_id == user_id else "pending"][currency] += int(amount or 0)
    problems = session.exec(
        select(LedgerAccount.currency, func.sum(LedgerAccount.balance_minor))
        .join(Problem, col(Problem.id) == col(LedgerAccount.problem_id))
        .where(LedgerAccount.kind == "problem_escrow", Problem.owner_id == user_id)
        .group_by(col(LedgerAccount.currency))
    ).all()
    for currency, amount in problems:
        figures["in_escrow"][currency] += int(amount or 0)


def _contractor_ledger(session: Session, payable_ids: list[int], figures: Totals) -> None:
    """Earned (releases credited to the member's payables) and paid out (payouts net of their reversals)."""
    if not payable_ids:
        return
    rows = session.exec(
        select(JournalEntry.kind, JournalEntry.currency, func.sum(Posting.amount_minor))
        .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
        .where(
            col(Posting.account_id).in_(payable_ids),
            col(JournalEntry.kind).in_(("release", "payout", "payout_reversal")),
        )
        .group_by(col(JournalEntry.kind), col(JournalEntry.currency))
    ).all()
    for kind, currency, amount in rows:
        if kind == "release":
            figures["earned"][currency] -= int(amount or 0)  # payable credited
        else:
            figures["paid_out"][currency] += int(amount or 0)  # payable debited by a payout, credited by a reversal


def _contract_currencies(session: Session, user_id: int) -> tuple[set[str], set[str]]:
    """The currencies of the member's contracts: as the client, and as the contractor."""
    mine = (col(Contract.client_id) == user_id).label("mine")
    rows = session.exec(
        select(mine, Contract.currency)
        .where(or_(col(Contract.client_id) == user_id, col(Contract.contractor_id) == user_id))
        .distinct()
    ).all()
    as_client = {currency for is_client, currency in rows if is_client}
    as_contractor = {currency for is_client, currency in rows if not is_client}
    return as_client, as_contractor


def _problem_currencies(session: Session, user_id: int) -> set[str]:
    """The currencies of the member's problems that were ever funded (have an escrow account)."""
    return set(
        session.exec(
            select(LedgerAccount.currency)
            .join(Problem, col(Problem.id) == col(LedgerAccount.problem_id))
            .where(LedgerAccount.kind == "problem_escrow", Problem.owner_id == user_id)
            .distinct()
        ).all()
    )
