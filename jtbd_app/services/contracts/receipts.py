"""A receipt for each payment a client made into an escrow (a contract's or a problem's), sandbox or Stripe.

Only the payer and administrators may read one; anyone else is told there is no such receipt, as for a contract. A
payment that never took money (pending, failed) has none. The date is the ledger entry that booked the money in
(the escrow funded, or held to go back when the contract could not take it); the fee is the contract's agreed fee
on the amount, or, for a problem, what the releases of its contracts have paid the platform so far.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.config import get_settings
from jtbd_app.domain.contract_rules import bps_label, split_release
from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.ids import id_or_none
from jtbd_app.domain.money import Money
from jtbd_app.models import Contract, JournalEntry, LedgerAccount, Listing, Payment, Posting, Problem, Profile, User
from jtbd_app.services.ledger import journal
from jtbd_app.services.viewer import Viewer, require_viewer

NOT_FOUND = "That receipt does not exist."
TOOK_MONEY = ("succeeded", "refunded", "returning", "returned")
FUNDED = ("succeeded", "refunded")  # the payment the escrow holds (or held); the others went back


@dataclass(frozen=True)
class Receipt:
    number: int = 0
    date: str = ""
    payer_name: str = ""
    payer_username: str = ""
    purpose: str = ""  # "Escrow of contract #4: Logo for a bakery"
    purpose_link: str = ""
    payee: str = ""  # who the money is for
    amount: str = ""
    fee_label: str = ""
    fee: str = ""
    payee_share_label: str = ""
    payee_share: str = ""
    total: str = ""
    currency: str = ""
    reference: str = ""
    method: str = ""
    status: str = ""
    test_money: bool = False


def receipt_link(payment_id: int) -> str:
    return f"/wallet/receipts/{payment_id}"


def receipt(session: Session, *, viewer: Viewer | None, payment_id: object) -> Receipt:
    """The receipt of a payment, for its payer or an administrator; NotFound for anyone and anything else."""
    actor = require_viewer(viewer)
    number = id_or_none(payment_id)
    payment = session.get(Payment, number) if number is not None else None
    if (
        payment is None
        or payment.id is None
        or payment.status not in TOOK_MONEY
        or not (payment.payer_id == actor.user_id or actor.is_admin)
    ):
        raise NotFound(NOT_FOUND)
    money = lambda minor: Money(minor, payment.currency).format()  # noqa: E731
    payer = session.get(User, payment.payer_id)
    profile = session.get(Profile, payment.payer_id)
    common = {
        "number": payment.id,
        "payer_name": profile.display_name if profile else "",
        "payer_username": payer.username if payer else "",
        "amount": money(payment.amount_minor),
        "total": money(payment.amount_minor),
        "currency": payment.currency,
        "reference": payment.external_id or "",
        "method": "Sandbox test card (test money)" if payment.gateway == "sandbox" else "Card, through Stripe",
        "status": _status(payment, money),
        "test_money": payment.gateway == "sandbox",
    }
    if payment.contract_id is not None:
        return _contract_receipt(session, payment, money, common)
    return _problem_receipt(session, payment, money, common)


def _status(payment: Payment, money: object) -> str:
    assert callable(money)
    if payment.status in ("returning", "returned"):
        return "Returned to you: the contract could no longer take this payment"
    if payment.refunded_minor:
        return f"Paid; {money(payment.refunded_minor)} refunded to you since"
    return "Paid"


def _contract_receipt(session: Session, payment: Payment, money: object, common: dict[str, object]) -> Receipt:
    assert callable(money) and payment.contract_id is not None
    contract = session.get(Contract, payment.contract_id)
    assert contract is not None
    listing = session.get(Listing, contract.listing_id)
    contractor = session.get(Profile, contract.contractor_id)
    split = split_release(payment.amount_minor, contract.fee_bps)
    key = f"fund:contract:{contract.id}" if payment.status in FUNDED else f"surplus:payment:{payment.id}"
    return Receipt(
        date=_booked(session, key, payment),
        purpose=f"Escrow of contract #{contract.id}: {listing.title if listing else ''}".rstrip(": "),
        purpose_link=f"/contracts/{contract.id}",
        payee=contractor.display_name if contractor else "",
        fee_label=f"Platform fee ({bps_label(contract.fee_bps)}, included in the amount)",
        fee=money(split.fee_minor),
        payee_share_label="The contractor receives on release",
        payee_share=money(split.payee_minor),
        **common,  # type: ignore[arg-type]
    )


def _problem_receipt(session: Session, payment: Payment, money: object, common: dict[str, object]) -> Receipt:
    assert callable(money) and payment.problem_id is not None
    problem = session.get(Problem, payment.problem_id)
    assert problem is not None
    key = f"fund:problem:{problem.id}" if payment.status in FUNDED else f"surplus:payment:{payment.id}"
    fee_bps = get_settings().platform_fee_bps
    return Receipt(
        date=_booked(session, key, payment),
        purpose=f"Escrow of problem #{problem.id}: {problem.title}",
        purpose_link=f"/problems/{problem.id}",
        payee="The contractors hired for the problem's tasks",
        fee_label=f"Platform fee so far ({bps_label(fee_bps)} of each task's price, included, taken on release)",
        fee=money(_problem_fees(session, problem.id or 0)),
        payee_share_label="",
        payee_share="",
        **common,  # type: ignore[arg-type]
    )


def _booked(session: Session, key: str, payment: Payment) -> str:
    entry = journal.find_entry(session, key)
    return _date(entry.created_at if entry is not None else payment.created_at)


def _date(moment: datetime) -> str:
    return moment.strftime("%-d %b %Y, %H:%M UTC")


def _problem_fees(session: Session, problem_id: int) -> int:
    """The platform's fees from the releases of the contracts the problem's escrow funded."""
    funded = select(JournalEntry.contract_id).where(
        JournalEntry.kind == "allocate", JournalEntry.problem_id == problem_id
    )
    total = session.exec(
        select(func.coalesce(func.sum(Posting.amount_minor), 0))
        .join(JournalEntry, col(JournalEntry.id) == col(Posting.entry_id))
        .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
        .where(
            JournalEntry.kind == "release",
            col(JournalEntry.contract_id).in_(funded),
            LedgerAccount.kind == "fee_revenue",
        )
    ).one()
    return -int(total)


def funding_receipts(
    session: Session, *, payer_id: int, contract_ids: Iterable[int], problem_ids: Iterable[int]
) -> tuple[dict[int, int], dict[int, int]]:
    """The receipts of the payments that funded these contracts and problems, if `payer_id` made them:
    (contract id -> payment id, problem id -> payment id)."""
    contracts, problems = set(contract_ids), set(problem_ids)
    if not contracts and not problems:
        return {}, {}
    rows = session.exec(
        select(Payment.id, Payment.contract_id, Payment.problem_id)
        .where(
            Payment.payer_id == payer_id,
            col(Payment.status).in_(FUNDED),
            col(Payment.contract_id).in_(contracts) | col(Payment.problem_id).in_(problems),
        )
        .order_by(col(Payment.id).desc())
    ).all()
    by_contract: dict[int, int] = {}
    by_problem: dict[int, int] = {}
    for payment_id, contract_id, problem_id in rows:  # the oldest last, so it wins, as `succeeded_payment` picks
        if payment_id is None:
            continue
        if contract_id is not None:
            by_contract[contract_id] = payment_id
        if problem_id is not None:
            by_problem[problem_id] = payment_id
    return by_contract, by_problem


def contract_receipt_link(session: Session, *, viewer: Viewer, contract: Contract) -> str:
    """The receipt of the payment that funded the contract, for its payer or an administrator; "" otherwise."""
    payment = session.exec(
        select(Payment)
        .where(Payment.contract_id == contract.id, col(Payment.status).in_(FUNDED))
        .order_by(col(Payment.id))
    ).first()
    if payment is None or payment.id is None or not (payment.payer_id == viewer.user_id or viewer.is_admin):
        return ""
    return receipt_link(payment.id)
