"""The money movements of a problem's escrow (one budget for many payees), each one balanced entry under a business
key, beside a contract's (`escrow`):

fund_problem:       platform cash (debit)          <- the problem's escrow (credit): the owner paid the whole budget
allocate:           the problem's escrow (debit)   -> a micro-task contract's escrow (credit): its price, once
return_to_problem:  a contract's escrow (debit)    -> the problem's escrow (credit): the contract ended unreleased
refund_problem:     the problem's escrow, or platform loss once it is gone (debit) -> platform cash (credit): back to
                    the owner, keyed by the gateway's running total refunded ("refund:payment:7:to:2500")

A contract funded from a problem is released like any other (`escrow.release`); no money of a problem ever reaches
a contractor but through a contract's escrow.
"""

from __future__ import annotations

from sqlmodel import Session

from jtbd_app.domain.money import Money
from jtbd_app.models import Contract, JournalEntry, Payment, Problem
from jtbd_app.services.ledger import journal
from jtbd_app.services.ledger.escrow import from_holding
from jtbd_app.services.ledger.journal import InsufficientFunds, Leg


def account(session: Session, problem: Problem) -> journal.LedgerAccount:
    assert problem.id is not None
    return journal.get_account(session, kind="problem_escrow", currency=problem.currency, problem_id=problem.id)


def _contract_escrow(session: Session, contract: Contract) -> journal.LedgerAccount:
    assert contract.id is not None
    return journal.get_account(session, kind="escrow", currency=contract.currency, contract_id=contract.id)


def _cash(session: Session, currency: str) -> journal.LedgerAccount:
    return journal.get_account(session, kind="platform_cash", currency=currency)


def held(session: Session, problem: Problem) -> int:
    """What the problem's escrow holds now."""
    return account(session, problem).balance_minor


def available(session: Session, problem: Problem) -> int:
    """What it holds less what a refund under way is taking back: what a micro-task's contract may be given."""
    return max(0, held(session, problem) - problem.returning_minor)


def fund_problem(session: Session, problem: Problem, *, amount_minor: int, reference: str) -> tuple[JournalEntry, bool]:
    return journal.post(
        session,
        idempotency_key=f"fund:problem:{problem.id}",
        kind="fund_problem",
        currency=problem.currency,
        problem_id=problem.id,
        memo=f"Problem escrow funded ({reference})",
        legs=[Leg(_cash(session, problem.currency), amount_minor), Leg(account(session, problem), -amount_minor)],
    )


def allocate(session: Session, problem: Problem, contract: Contract) -> tuple[JournalEntry, bool]:
    """The contract's price from the problem's escrow into the contract's, once; InsufficientFunds (and nothing moves)
    when the problem's escrow does not hold it (the database's balance guard refuses it too)."""
    if journal.find_entry(session, f"allocate:contract:{contract.id}") is None:
        if contract.currency != problem.currency:
            raise InsufficientFunds("The contract's currency is not the problem's.")
        have = available(session, problem)
        if have < contract.amount_minor:
            raise InsufficientFunds(shortfall_message(have, contract.amount_minor, problem.currency))
    return journal.post(
        session,
        idempotency_key=f"allocate:contract:{contract.id}",
        kind="allocate",
        currency=contract.currency,
        contract_id=contract.id,
        problem_id=problem.id,
        memo=f"Contract funded from its problem's escrow (problem {problem.id})",
        legs=[
            Leg(account(session, problem), contract.amount_minor),
            Leg(_contract_escrow(session, contract), -contract.amount_minor),
        ],
    )


def shortfall_message(have: int, price: int, currency: str) -> str:
    return (
        f"The problem's escrow holds {Money(have, currency).format()}; this bid is {Money(price, currency).format()}. "
        "Re-split the budget or fund more."
    )


def return_to_problem(
    session: Session, problem: Problem, contract: Contract, *, amount_minor: int
) -> tuple[JournalEntry, bool]:
    """What the contract's escrow holds goes back to the problem (the contract ended before any release), once."""
    return journal.post(
        session,
        idempotency_key=f"return:contract:{contract.id}",
        kind="return_to_problem",
        currency=contract.currency,
        contract_id=contract.id,
        problem_id=problem.id,
        memo="Contract ended unreleased: its escrow went back to the problem",
        legs=[Leg(_contract_escrow(session, contract), amount_minor), Leg(account(session, problem), -amount_minor)],
    )


def refund_problem(
    session: Session, problem: Problem, payment: Payment, *, amount_minor: int, to_total: int, reference: str
) -> tuple[JournalEntry, bool]:
    """`amount_minor` of the problem's payment went back to its owner (the gateway's refunded total is now
    `to_total`): out of the problem's escrow while it holds money, the rest is a platform loss."""
    legs = from_holding(session, account(session, problem), held(session, problem), amount_minor)
    return journal.post(
        session,
        idempotency_key=f"refund:payment:{payment.id}:to:{to_total}",
        kind="refund_problem",
        currency=problem.currency,
        problem_id=problem.id,
        memo=f"Refunded to the problem's owner ({reference})",
        legs=[*legs, Leg(_cash(session, problem.currency), -amount_minor)],
    )
