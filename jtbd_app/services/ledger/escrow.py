"""The money movements of a contract, in the marketplace's words, each one balanced entry under a business key.

fund:     platform cash (debit)      <- escrow of the contract (credit)
release:  escrow (debit)             -> contractor's payable (credit, price minus fee) + fee revenue (credit, fee)
refund:   escrow, or platform loss once the escrow is gone (debit) -> platform cash (credit): back to the client
payout:   contractor's payable (debit) -> platform cash (credit): the money left for the contractor's account
dispute:  dispute hold (debit) <- platform cash (credit) while the card network holds it; back when won; when lost,
          the escrow (or platform loss) pays the hold
recover:  contractor's payable (debit) -> platform loss (credit): a held payout kept back to cover a loss

Keys that follow the gateway's running totals ("refund:payment:7:to:2500") make a repeated or stale event a no-op.
"""

from __future__ import annotations

from sqlmodel import Session

from jtbd_app.domain.contract_rules import Split, split_release
from jtbd_app.models import Contract, Dispute, JournalEntry, Payment, Payout
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
    return release_part(session, contract, amount_minor=contract.amount_minor, memo="Escrow released to the contractor")


def _loss(session: Session, currency: str) -> journal.LedgerAccount:
    return journal.get_account(session, kind="platform_loss", currency=currency)


def from_holding(session: Session, holding: journal.LedgerAccount, available: int, amount: int) -> list[Leg]:
    """Debits that pay `amount` out of `holding` (up to `available` of it), the rest out of platform loss."""
    taken = max(0, min(available, amount))
    legs = [Leg(holding, taken)] if taken else []
    if amount > taken:
        legs.append(Leg(_loss(session, holding.currency), amount - taken))
    return legs


def refund(
    session: Session, contract: Contract, payment: Payment, *, amount_minor: int, to_total: int, reference: str
) -> tuple[JournalEntry, bool]:
    """`amount_minor` of the contract's payment went back to the client (the gateway's refunded total is now
    `to_total`): out of the escrow while it holds money, the rest is a platform loss."""
    legs = from_holding(session, _escrow(session, contract), held(session, contract), amount_minor)
    return journal.post(
        session,
        idempotency_key=f"refund:payment:{payment.id}:to:{to_total}",
        kind="refund",
        currency=contract.currency,
        contract_id=contract.id,
        memo=f"Refunded to the client ({reference})",
        legs=[*legs, Leg(_cash(session, contract.currency), -amount_minor)],
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


def reverse_payout(session: Session, payout: Payout, *, amount_minor: int, to_total: int) -> tuple[JournalEntry, bool]:
    """A transfer taken back (the gateway's reversed total is now `to_total`): the money is at the platform again and
    owed to the member again."""
    payable = journal.get_account(session, kind="payable", currency=payout.currency, user_id=payout.user_id)
    cash = _cash(session, payout.currency)
    return journal.post(
        session,
        idempotency_key=f"payout_reversal:{payout.id}:to:{to_total}",
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


def return_surplus(
    session: Session, payment: Payment, *, amount_minor: int, available: int, to_total: int
) -> tuple[JournalEntry, bool]:
    """`amount_minor` of a payment the contract could not take went back (refunded total now `to_total`): out of
    what is owed back for it (`available`), the rest is a platform loss."""
    due = journal.get_account(session, kind="refund_due", currency=payment.currency)
    return journal.post(
        session,
        idempotency_key=f"surplus_refund:payment:{payment.id}:to:{to_total}",
        kind="surplus_refund",
        currency=payment.currency,
        memo=f"Payment {payment.id} refunded",
        legs=[
            *from_holding(session, due, available, amount_minor),
            Leg(_cash(session, payment.currency), -amount_minor),
        ],
    )


def dispute_withdrawn(
    session: Session, dispute: Dispute, *, contract_id: int | None, problem_id: int | None = None
) -> tuple[JournalEntry, bool]:
    """The card network took the disputed amount from the platform's balance while it decides."""
    hold = journal.get_account(session, kind="dispute_hold", currency=dispute.currency)
    return journal.post(
        session,
        idempotency_key=f"dispute:{dispute.id}:withdrawn",
        kind="dispute_withdrawn",
        currency=dispute.currency,
        contract_id=contract_id,
        problem_id=problem_id,
        memo=f"Dispute {dispute.id}: funds withdrawn",
        legs=[Leg(hold, dispute.amount_minor), Leg(_cash(session, dispute.currency), -dispute.amount_minor)],
    )


def dispute_reinstated(
    session: Session, dispute: Dispute, *, contract_id: int | None, problem_id: int | None = None
) -> tuple[JournalEntry, bool]:
    hold = journal.get_account(session, kind="dispute_hold", currency=dispute.currency)
    return journal.post(
        session,
        idempotency_key=f"dispute:{dispute.id}:reinstated",
        kind="dispute_reinstated",
        currency=dispute.currency,
        contract_id=contract_id,
        problem_id=problem_id,
        memo=f"Dispute {dispute.id}: funds reinstated",
        legs=[Leg(_cash(session, dispute.currency), dispute.amount_minor), Leg(hold, -dispute.amount_minor)],
    )


def dispute_lost(
    session: Session,
    dispute: Dispute,
    *,
    contract_id: int | None,
    holding: journal.LedgerAccount,
    available: int,
    problem_id: int | None = None,
) -> tuple[JournalEntry, bool]:
    """The client keeps the disputed money: `holding` (the escrow, a problem's escrow, or what is owed back) pays the hold, up to
    `available`; the rest is a platform loss."""
    hold = journal.get_account(session, kind="dispute_hold", currency=dispute.currency)
    return journal.post(
        session,
        idempotency_key=f"dispute:{dispute.id}:lost",
        kind="dispute_lost",
        currency=dispute.currency,
        contract_id=contract_id,
        problem_id=problem_id,
        memo=f"Dispute {dispute.id}: lost",
        legs=[*from_holding(session, holding, available, dispute.amount_minor), Leg(hold, -dispute.amount_minor)],
    )


def recover(session: Session, contract: Contract, *, amount_minor: int) -> tuple[JournalEntry, bool]:
    """An administrator keeps back `amount_minor` of the contractor's held payout to cover the contract's loss."""
    payable = journal.get_account(session, kind="payable", currency=contract.currency, user_id=contract.contractor_id)
    return journal.post(
        session,
        idempotency_key=f"recover:contract:{contract.id}",
        kind="recover",
        currency=contract.currency,
        contract_id=contract.id,
        memo="Kept back from the contractor to cover the contract's loss",
        legs=[Leg(payable, amount_minor), Leg(_loss(session, contract.currency), -amount_minor)],
    )


def release_part(
    session: Session,
    contract: Contract,
    *,
    amount_minor: int,
    memo: str = "Escrow released to the contractor by an administrator's decision",
) -> tuple[Split, bool]:
    """`amount_minor` of the escrow (all of it, or an administrator's share) to the contractor, less the contract's
    fee on it; the fee to platform revenue. Once per contract, under its release key."""
    assert contract.id is not None
    split = split_release(amount_minor, contract.fee_bps)
    payable = journal.get_account(session, kind="payable", currency=contract.currency, user_id=contract.contractor_id)
    legs = [Leg(_escrow(session, contract), amount_minor), Leg(payable, -split.payee_minor)]
    if split.fee_minor:
        legs.append(Leg(journal.get_account(session, kind="fee_revenue", currency=contract.currency), -split.fee_minor))
    _entry, posted = journal.post(
        session,
        idempotency_key=f"release:contract:{contract.id}",
        kind="release",
        currency=contract.currency,
        contract_id=contract.id,
        memo=memo,
        legs=legs,
    )
    return split, posted
