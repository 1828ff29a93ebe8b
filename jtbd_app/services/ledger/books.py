"""What our books say about the money at one gateway, read in one short read as plain values (no ORM objects), so
that reconciliation can close the database before it asks the gateway anything.

Ledger movements are attributed by their business keys (see `escrow`): a contract's "fund" and "refund" entries by
its id, a payment the contract could not take by `surplus:payment:P` and `surplus_refund:payment:P:to:T`, a payout by
`payout:P` and `payout_reversal:P:to:T`; a problem's "fund_problem" and "refund_problem" entries by the problem's id
(`problem_escrow`), and what moved through each problem's escrow by kind of entry.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.models import Contract, JournalEntry, LedgerAccount, Payment, Payout, Posting
from jtbd_app.services.ledger.journal import cached_balance_mismatches, trial_balance


@dataclass(frozen=True)
class KnownPayment:
    id: int
    contract_id: int | None  # exactly one of contract_id and problem_id is set
    status: str  # pending | failed | succeeded | refunded | returning | returned
    amount_minor: int
    refunded_minor: int  # the gateway's running total, as we last heard it
    currency: str
    external_id: str | None
    problem_id: int | None = None

    @property
    def owner(self) -> str:
        """Whose escrow the payment funds: "contract 4" or "problem 2"."""
        return f"contract {self.contract_id}" if self.contract_id is not None else f"problem {self.problem_id}"


@dataclass(frozen=True)
class KnownPayout:
    id: int
    user_id: int
    status: str  # pending | paid | reversed | cancelled
    amount_minor: int
    reversed_minor: int
    currency: str
    external_id: str | None
    created_at: datetime


@dataclass
class Books:
    """Everything reconciliation compares, for one gateway. Ledger totals are what the entries moved (their debits)."""

    trial_balance: int = 0
    cached_mismatches: list[tuple[str, int, int]] = field(default_factory=list)  # (code, stored, from postings)
    payments: list[KnownPayment] = field(default_factory=list)
    payouts: list[KnownPayout] = field(default_factory=list)
    taken_in: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # owner -> fund + surplus entries
    given_back: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # owner -> refund entries
    # problem id -> {entry kind: what it moved into the problem's escrow (negative: out of it)}; and its balance
    problem_escrows: dict[int, dict[str, int]] = field(default_factory=dict)
    problem_balances: dict[int, int] = field(default_factory=dict)
    paid_out: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # payout -> its payout entry
    taken_back: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # payout -> its reversal entries


MONEY_IN_AND_OUT = ("surplus", "surplus_refund", "payout", "payout_reversal")


def read_books(session: Session, *, gateway_name: str) -> Books:
    """The books as they are now, for the payments and payouts at `gateway_name`; the ledger checks with them.

    Call it first in its session: on PostgreSQL its queries then share one snapshot (REPEATABLE READ), so a refund
    booked meanwhile is in all of them or in none; SQLite's read transaction is one snapshot already."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    books = Books(trial_balance=trial_balance(session), cached_mismatches=cached_balance_mismatches(session))
    for p in session.exec(select(Payment).where(Payment.gateway == gateway_name).order_by(col(Payment.id))).all():
        assert p.id is not None
        books.payments.append(
            KnownPayment(
                p.id, p.contract_id, p.status, p.amount_minor, p.refunded_minor, p.currency, p.external_id, p.problem_id
            )
        )
    for o in session.exec(select(Payout).where(Payout.gateway == gateway_name).order_by(col(Payout.id))).all():
        assert o.id is not None
        books.payouts.append(
            KnownPayout(
                o.id, o.user_id, o.status, o.amount_minor, o.reversed_minor, o.currency, o.external_id, o.created_at
            )
        )
    _contract_entries(session, books, gateway_name)
    _problem_entries(session, books)
    _keyed_entries(session, books)
    return books


def _contract_entries(session: Session, books: Books, gateway_name: str) -> None:
    """Each contract held at this gateway: what its "fund" and "refund" entries moved."""
    rows = session.exec(
        select(JournalEntry.contract_id, JournalEntry.kind, func.sum(Posting.amount_minor))
        .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
        .join(Contract, col(Contract.id) == col(JournalEntry.contract_id))
        .where(col(JournalEntry.kind).in_(("fund", "refund")), Contract.gateway == gateway_name)
        .where(col(Posting.amount_minor) > 0)
        .group_by(col(JournalEntry.contract_id), col(JournalEntry.kind))
    ).all()
    for contract_id, kind, moved in rows:
        if contract_id is not None:
            (books.taken_in if kind == "fund" else books.given_back)[f"contract {contract_id}"] += int(moved or 0)


def _problem_entries(session: Session, books: Books) -> None:
    """Each problem paid at this gateway: what its "fund_problem" and "refund_problem" entries moved; and, for every
    problem escrow, what each kind of entry moved through it and its stored balance."""
    paid = {p.problem_id for p in books.payments if p.problem_id is not None}
    rows = session.exec(
        select(JournalEntry.problem_id, JournalEntry.kind, func.sum(Posting.amount_minor))
        .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
        .where(col(JournalEntry.kind).in_(("fund_problem", "refund_problem")), col(Posting.amount_minor) > 0)
        .group_by(col(JournalEntry.problem_id), col(JournalEntry.kind))
    ).all()
    for problem_id, kind, moved in rows:
        if problem_id in paid:
            (books.taken_in if kind == "fund_problem" else books.given_back)[f"problem {problem_id}"] += int(moved or 0)
    flows = session.exec(
        select(LedgerAccount.problem_id, JournalEntry.kind, func.sum(Posting.amount_minor))
        .join(Posting, col(Posting.account_id) == col(LedgerAccount.id))
        .join(JournalEntry, col(JournalEntry.id) == col(Posting.entry_id))
        .where(LedgerAccount.kind == "problem_escrow")
        .group_by(col(LedgerAccount.problem_id), col(JournalEntry.kind))
    ).all()
    for problem_id, kind, total in flows:
        if problem_id is not None:
            books.problem_escrows.setdefault(problem_id, {})[kind] = -int(total or 0)  # credit-normal
    for account in session.exec(select(LedgerAccount).where(LedgerAccount.kind == "problem_escrow")).all():
        if account.problem_id is not None:
            books.problem_balances[account.problem_id] = account.balance_minor


def _keyed_entries(session: Session, books: Books) -> None:
    """Surplus payments and payouts, by the payment or payout their key names (only those at this gateway)."""
    owner_of = {p.id: p.owner for p in books.payments}
    payouts = {o.id for o in books.payouts}
    rows = session.exec(
        select(JournalEntry.idempotency_key, JournalEntry.kind, func.sum(Posting.amount_minor))
        .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
        .where(col(JournalEntry.kind).in_(MONEY_IN_AND_OUT), col(Posting.amount_minor) > 0)
        .group_by(col(JournalEntry.id), col(JournalEntry.idempotency_key), col(JournalEntry.kind))
    ).all()
    for key, kind, total in rows:
        moved = int(total or 0)
        if kind in ("surplus", "surplus_refund"):  # surplus:payment:P, surplus_refund:payment:P:to:T
            owner = owner_of.get(_number(key, 2))
            if owner is not None:
                (books.taken_in if kind == "surplus" else books.given_back)[owner] += moved
        elif (payout_id := _number(key, 1)) in payouts:  # payout:P, payout_reversal:P:to:T
            (books.paid_out if kind == "payout" else books.taken_back)[payout_id] += moved


def _number(key: str, position: int) -> int:
    """The id at `position` of a key, or 0 (no row's id) when there is none."""
    parts = key.split(":")
    return int(parts[position]) if len(parts) > position and parts[position].isdigit() else 0
