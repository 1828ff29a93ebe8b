"""The money movements of a contract, in the marketplace's words, each one balanced entry under a business key.

fund:     platform cash (debit)      <- escrow of the contract (credit)
release:  escrow (debit)             -> contractor's payable (credit, price minus fee) + fee revenue (credit, fee)
refund:   escrow (debit)             -> platform cash (credit): the money goes back to the client
payout:   contractor's payable (debit) -> platform cash (credit): the money left for the contractor's account
"""

from __future__ import annotations

from sqlmodel import Session

from jtbd_app.domain.contract_rules import Split, split_release
from jtbd_app.models import Contract, JournalEntry, Payout
from jtbd_app.services.ledger import journal
from jtbd_app.services.ledger.journal import Leg


def _escrow(session: Session, contract: Contract) -> journal.LedgerAccount:
    assert contract.id is not None
    return journal.get_account(session, kind="escrow", currency=contract.currency, contract_id=contract.id)


def _cash(session: Session, currency: str) -> journal.LedgerAccount:
    return journal.get_account(session, kind="platform_cash", currency=currency)


def held(session: Session, contract: Contract) -> int:
    """What the contract's escrow holds now."""
    return _escrow(session, contract).balance_minor


def fund(session: Session, contract: Contract, *, amount_minor: int, reference: str) -> tuple[JournalEntry, bool]:
    escrow, cash = _escrow(session, contract), _cash(session, contract.currency)
    return journal.post(
        session,
        idempotency_key=f"fund:contract:{contract.id}",
        kind="fund",
        currency=contract.currency,
        contract_id=contract.id,
        memo=f"Escrow funded ({reference})",
        legs=[Leg(cash, amount_minor), Leg(escrow, -amount_minor)],
    )


def release(session: Session, contract: Contract) -> tuple[Split, bool]:
    """The whole escrow to the contractor minus the contract's fee; the fee to platform revenue."""
    assert contract.id is not None
    escrow = _escrow(session, contract)
    split = split_release(contract.amount_minor, contract.fee_bps)
    payable = journal.get_account(session, kind="payable", currency=contract.currency, user_id=contract.contractor_id)
    legs = [Leg(escrow, contract.amount_minor), Leg(payable, -split.payee_minor)]
    if split.fee_minor:
        legs.append(Leg(journal.get_account(session, kind="fee_revenue", currency=contract.currency), -split.fee_minor))
    _entry, posted = journal.post(
        session,
        idempotency_key=f"release:contract:{contract.id}",
        kind="release",
        currency=contract.currency,
        contract_id=contract.id,
        memo="Escrow released to the contractor",
        legs=legs,
    )
    return split, posted


def refund(session: Session, contract: Contract, *, reference: str) -> tuple[JournalEntry, bool]:
    escrow, cash = _escrow(session, contract), _cash(session, contract.currency)
    return journal.post(
        session,
        idempotency_key=f"refund:contract:{contract.id}",
        kind="refund",
        currency=contract.currency,
        contract_id=contract.id,
        memo=f"Escrow refunded to the client ({reference})",
        legs=[Leg(escrow, contract.amount_minor), Leg(cash, -contract.amount_minor)],
    )


def pay_out(session: Session, payout: Payout) -> tuple[JournalEntry, bool]:
    payable = journal.get_account(session, kind="payable", currency=payout.currency, user_id=payout.user_id)
    cash = _cash(session, payout.currency)
    return journal.post(
        session,
        idempotency_key=f"payout:{payout.id}",
        kind="payout",
        currency=payout.currency,
        contract_id=payout.contract_id,
        memo=f"Paid out ({payout.external_id or payout.gateway})",
        legs=[Leg(payable, payout.amount_minor), Leg(cash, -payout.amount_minor)],
    )


def reverse_payout(session: Session, payout: Payout, *, amount_minor: int) -> tuple[JournalEntry, bool]:
    """A transfer taken back: the money is at the platform again and owed to the member again."""
    payable = journal.get_account(session, kind="payable", currency=payout.currency, user_id=payout.user_id)
    cash = _cash(session, payout.currency)
    return journal.post(
        session,
        idempotency_key=f"payout_reversal:{payout.id}",
        kind="payout_reversal",
        currency=payout.currency,
        contract_id=payout.contract_id,
        memo=f"Payout reversed ({payout.external_id})",
        legs=[Leg(cash, amount_minor), Leg(payable, -amount_minor)],
    )


def hold_surplus(session: Session, payment_id: int, *, amount_minor: int, currency: str) -> tuple[JournalEntry, bool]:
    """A payment the contract could not take (already funded, cancelled, expired): owed back to the client."""
    due = journal.get_account(session, kind="refund_due", currency=currency)
    return journal.post(
        session,
        idempotency_key=f"surplus:payment:{payment_id}",
        kind="surplus",
        currency=currency,
        memo=f"Payment {payment_id} arrived for a contract that no longer takes one",
        legs=[Leg(_cash(session, currency), amount_minor), Leg(due, -amount_minor)],
    )


def return_surplus(session: Session, payment_id: int, *, amount_minor: int, currency: str) -> tuple[JournalEntry, bool]:
    due = journal.get_account(session, kind="refund_due", currency=currency)
    return journal.post(
        session,
        idempotency_key=f"surplus_refund:payment:{payment_id}",
        kind="surplus_refund",
        currency=currency,
        memo=f"Payment {payment_id} refunded",
        legs=[Leg(due, amount_minor), Leg(_cash(session, currency), -amount_minor)],
    )
