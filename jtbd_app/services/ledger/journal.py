"""The double-entry ledger: the only code that writes journal entries and moves account balances.

Every movement is one balanced entry under a unique idempotency key; posting the same key again returns the
entry already posted and moves nothing. Cached balances move by deltas in SQL (`balance = balance + d`, refused when
it would take an account that must not go below zero there), in account id order, so concurrent movements of one
account both count, and wait for each other only on the rows they share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from jtbd_app.domain.errors import DomainError
from jtbd_app.domain.money import CURRENCIES, Money
from jtbd_app.models import Contract, JournalEntry, LedgerAccount, Posting, Problem
from jtbd_app.services import audit, live

# kind -> (normal side, may go below zero). Every account of the platform is one of these.
ACCOUNT_KINDS: dict[str, tuple[str, bool]] = {
    # money the platform holds at the payment gateway; below zero when the gateway takes back (a lost dispute) more
    # than the platform holds, as Stripe's balance does
    "platform_cash": ("debit", True),
    "escrow": ("credit", False),  # held for one contract
    "problem_escrow": ("credit", False),  # a problem's budget, held until its micro-tasks' contracts take it
    "payable": ("credit", False),  # released to a member and not yet paid out
    "fee_revenue": ("credit", False),  # the platform's fees
    "refund_due": ("credit", False),  # a payment that arrived for a contract no longer taking one: to go back
    "dispute_hold": ("debit", False),  # taken from the platform by the card network while a dispute runs
    "platform_loss": ("debit", False),  # money gone from the platform: a lost dispute, a refund after the payout
}
# Platform-wide accounts that every movement of their kind touches, and that no movement can overdraw: their rows are
# never updated, so they serialise nothing; their balance is the sum of their postings (`balance`).
UNCACHED_KINDS = frozenset({"platform_cash", "fee_revenue", "dispute_hold", "platform_loss"})


class LedgerError(DomainError):
    """A movement the ledger refuses (unbalanced, mixed currencies, or it would overdraw an account)."""


class InsufficientFunds(LedgerError):
    pass


@dataclass(frozen=True)
class Leg:
    """One side of a movement: `amount_minor` is positive for a debit and negative for a credit."""

    account: LedgerAccount
    amount_minor: int


def account_code(
    kind: str,
    currency: str,
    *,
    user_id: int | None = None,
    contract_id: int | None = None,
    problem_id: int | None = None,
) -> str:
    if contract_id is not None:
        owner = f":contract:{contract_id}"
    elif problem_id is not None:
        owner = f":problem:{problem_id}"
    else:
        owner = f":user:{user_id}" if user_id is not None else ""
    return f"{kind}{owner}:{currency}"


def get_account(
    session: Session,
    *,
    kind: str,
    currency: str,
    user_id: int | None = None,
    contract_id: int | None = None,
    problem_id: int | None = None,
) -> LedgerAccount:
    """The account, created on first use (a race to create it is settled by the unique code)."""
    if kind not in ACCOUNT_KINDS:
        raise ValueError(f"unknown account kind {kind!r}")
    if currency not in CURRENCIES:
        raise ValueError(f"unknown currency {currency!r}")
    code = account_code(kind, currency, user_id=user_id, contract_id=contract_id, problem_id=problem_id)
    found = session.exec(select(LedgerAccount).where(LedgerAccount.code == code)).first()
    if found is not None:
        return found
    side, may_go_negative = ACCOUNT_KINDS[kind]
    account = LedgerAccount(
        code=code,
        kind=kind,
        currency=currency,
        normal_side=side,
        may_go_negative=may_go_negative,
        user_id=user_id,
        contract_id=contract_id,
        problem_id=problem_id,
    )
    try:
        with session.begin_nested():
            session.add(account)
    except IntegrityError:
        return session.exec(select(LedgerAccount).where(LedgerAccount.code == code)).one()
    return account


def find_entry(session: Session, idempotency_key: str) -> JournalEntry | None:
    return session.exec(select(JournalEntry).where(JournalEntry.idempotency_key == idempotency_key)).first()


def post(
    session: Session,
    *,
    idempotency_key: str,
    kind: str,
    currency: str,
    legs: Sequence[Leg],
    contract_id: int | None = None,
    problem_id: int | None = None,
    memo: str = "",
) -> tuple[JournalEntry, bool]:
    """Post one balanced entry; returns (entry, True) when posted now, (entry, False) when posted before.

    Balances move by deltas in SQL, in account id order, each guarded so that an account that must not go below
    zero never does: nothing read earlier is written back, so two postings at once both count. The accounts of
    `UNCACHED_KINDS` are never updated (never locked): their balance is the sum of their postings.
    """
    existing = find_entry(session, idempotency_key)
    if existing is not None:
        return existing, False
    _check_shape(legs, currency)
    try:
        with session.begin_nested():
            entry = JournalEntry(
                idempotency_key=idempotency_key,
                kind=kind,
                currency=currency,
                contract_id=contract_id,
                problem_id=problem_id,
                memo=memo[:300],
            )
            session.add(entry)
            session.flush()  # a concurrent poster of the same key: this waits for it, then fails on the unique key
            assert entry.id is not None
            for leg in sorted(legs, key=lambda leg: leg.account.id or 0):
                assert leg.account.id is not None
                _move(session, leg)
                session.add(Posting(entry_id=entry.id, account_id=leg.account.id, amount_minor=leg.amount_minor))
            _audit(session, entry, legs)
    except IntegrityError:
        found = find_entry(session, idempotency_key)
        if found is None:
            raise
        return found, False
    if contract_id is not None:  # the contract page shows its money
        live.touch(session, live.contract_topic(contract_id))
    if problem_id is not None:  # and the problem's dashboard its escrow
        live.touch(session, live.problem_topic(problem_id))
    live.touch(session, *[live.wallet_topic(uid) for uid in _wallet_owners(session, legs)])
    return entry, True


def _audit(session: Session, entry: JournalEntry, legs: Sequence[Leg]) -> None:
    """Every money movement in the audit log, in the entry's savepoint (one more insert): no actor (the ledger moves
    for whoever acted), the entry's kind, what it concerns, and how much moved."""
    moved = sum(leg.amount_minor for leg in legs if leg.amount_minor > 0)
    if entry.contract_id is not None:
        subject = f"contract:{entry.contract_id}"
    elif entry.problem_id is not None:
        subject = f"problem:{entry.problem_id}"
    else:
        subject = f"entry:{entry.id}"
    audit.record(
        session,
        actor_id=None,
        action=f"money.{entry.kind}",
        subject=subject,
        reason=entry.memo,
        detail={
            "amount": Money(moved, entry.currency).format(),
            "amount_minor": moved,
            "currency": entry.currency,
            "entry": entry.id,
        },
    )


def _wallet_owners(session: Session, legs: Sequence[Leg]) -> set[int]:
    """The members whose wallet an entry changes: whom a payable is owed to, and the parties of an escrow."""
    owners = {leg.account.user_id for leg in legs if leg.account.user_id is not None}
    contract_ids = {leg.account.contract_id for leg in legs if leg.account.contract_id is not None}
    problem_ids = {leg.account.problem_id for leg in legs if leg.account.problem_id is not None}
    if contract_ids:
        for client_id, contractor_id in session.exec(
            select(Contract.client_id, Contract.contractor_id).where(col(Contract.id).in_(contract_ids))
        ):
            owners.update((client_id, contractor_id))
    if problem_ids:
        owners.update(session.exec(select(Problem.owner_id).where(col(Problem.id).in_(problem_ids))).all())
    return owners


def _move(session: Session, leg: Leg) -> None:
    account = leg.account
    if account.kind in UNCACHED_KINDS:
        return
    delta = leg.amount_minor if account.normal_side == "debit" else -leg.amount_minor
    table = LedgerAccount.__table__  # type: ignore[attr-defined]
    moved = session.connection().execute(
        update(table)
        .where(table.c.id == account.id, or_(table.c.may_go_negative, table.c.balance_minor + delta >= 0))
        .values(balance_minor=table.c.balance_minor + delta)
    )
    session.expire(account, ["balance_minor"])  # read again from the database when next asked
    if moved.rowcount != 1:
        raise InsufficientFunds(f"That would take {account.code} below zero; nothing was moved.")


def _check_shape(legs: Sequence[Leg], currency: str) -> None:
    if len(legs) < 2:
        raise LedgerError("A journal entry needs at least two postings.")
    if any(leg.amount_minor == 0 or not isinstance(leg.amount_minor, int) for leg in legs):
        raise LedgerError("Every posting moves a whole, non-zero number of minor units.")
    if sum(leg.amount_minor for leg in legs) != 0:
        raise LedgerError("The postings of an entry must sum to zero.")
    if any(leg.account.currency != currency or leg.account.id is None for leg in legs):
        raise LedgerError("Every account of an entry must be saved and in the entry's currency.")
    if len({leg.account.id for leg in legs}) != len(legs):
        raise LedgerError("An entry touches each account once.")


def balance(session: Session, account: LedgerAccount) -> int:
    """The balance on the account's normal side, from its postings (the stored one is a cache of this)."""
    total = session.exec(
        select(func.coalesce(func.sum(Posting.amount_minor), 0)).where(Posting.account_id == account.id)
    ).one()
    return int(total) if account.normal_side == "debit" else -int(total)


def balance_of(session: Session, account: LedgerAccount) -> int:
    """The account's balance: its cached one, or from its postings for the accounts of `UNCACHED_KINDS`."""
    return balance(session, account) if account.kind in UNCACHED_KINDS else account.balance_minor


def balances_by_code(session: Session) -> dict[str, int]:
    """Every account's balance on its normal side, by code (as `balance_of` reads it), in two queries."""
    sums = dict(
        session.exec(
            select(Posting.account_id, func.sum(Posting.amount_minor))
            .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
            .where(col(LedgerAccount.kind).in_(UNCACHED_KINDS))
            .group_by(col(Posting.account_id))
        ).all()
    )
    found = {}
    for account in session.exec(select(LedgerAccount)).all():
        if account.kind in UNCACHED_KINDS:
            total = int(sums.get(account.id or 0, 0) or 0)
            found[account.code] = total if account.normal_side == "debit" else -total
        else:
            found[account.code] = account.balance_minor
    return found


def trial_balance(session: Session) -> int:
    """The sum of every posting ever made: zero while the books balance."""
    return int(session.exec(select(func.coalesce(func.sum(Posting.amount_minor), 0))).one())


def cached_balance_mismatches(session: Session) -> list[tuple[str, int, int]]:
    """Accounts whose stored balance differs from their postings: (code, stored, from postings); the accounts of
    `UNCACHED_KINDS` store none."""
    sums = dict(
        session.exec(select(Posting.account_id, func.sum(Posting.amount_minor)).group_by(col(Posting.account_id))).all()
    )
    mismatches = []
    cached = select(LedgerAccount).where(col(LedgerAccount.kind).not_in(UNCACHED_KINDS))
    for account in session.exec(cached.order_by(col(LedgerAccount.id))).all():
        total = int(sums.get(account.id or 0, 0) or 0)
        derived = total if account.normal_side == "debit" else -total
        if derived != account.balance_minor:
            mismatches.append((account.code, account.balance_minor, derived))
    return mismatches
