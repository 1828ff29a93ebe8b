"""Reconciliation: does the ledger agree with itself, and with what the payment gateway says happened?

In three steps, so that no database transaction is open while the gateway is read: one short read of our books as
plain values (`books.read_books`), then the gateway with no session open (a few requests at a time), then the
comparison in memory. Compared:
- the ledger balances, and every cached account balance matches its postings; every problem's escrow holds what was
  funded, less what its contracts took, plus what they gave back, less what was refunded or lost in a dispute;
- every payment of ours at the gateway, whatever its status, with what the gateway took in and gave back; and per
  contract or problem, what the ledger's fund, surplus and refund entries moved with the same;
- every payout with its transfer (sent, reversed): the payout row, and the ledger's payout and reversal entries;
- the gateway's recent payments and transfers that we hold no record of (a payment whose event never reached us, the
  transfer of a payout still pending).
Each difference is one line: what differs, then what to do. The sandbox keeps no records of its own, so with it only
the ledger is checked.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from jtbd_app.models import utcnow
from jtbd_app.services.ledger.books import Books, KnownPayment, KnownPayout, read_books
from jtbd_app.services.ports import GatewayPayment, GatewayTransfer, PaymentFailed, PaymentGateway
from jtbd_app.services.scheduler import SessionFactory

T = TypeVar("T")
AT_ONCE = 8  # gateway reads in flight together (Stripe allows far more; this keeps a big run gentle)
RECENT_DAYS = 30  # how far back the gateway's own lists are read for payments and transfers we have no record of
LISTED = 10_000  # at most this many of each
CLOCKS = timedelta(days=1)  # our clock against the gateway's, when a pending payout widens the transfers read
PAID = ("succeeded", "refunded", "returning", "returned")  # statuses of a payment whose money came in
# what may move money in or out of a problem's escrow
PROBLEM_ESCROW_KINDS = ("fund_problem", "allocate", "return_to_problem", "refund_problem", "dispute_lost")
EVENTS = "the Stripe dashboard (Developers > Events)"
RETRIES = "or run `make reconcile` again after the webhook retries"
CORRECTION = "ask a developer to post a correcting entry (entries are never edited)"

Answer = tuple[str, int, int]  # (status, amount, amount refunded or reversed), as the port's *_status methods say


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


@dataclass
class GatewayBooks:
    """What the gateway said, by our payment and payout ids, and its own recent lists (or why it could not say)."""

    payments: dict[int, Answer | PaymentFailed] = field(default_factory=dict)
    transfers: dict[int, Answer | PaymentFailed] = field(default_factory=dict)
    listed_payments: list[GatewayPayment] | PaymentFailed = field(default_factory=list)
    listed_transfers: list[GatewayTransfer] | PaymentFailed = field(default_factory=list)


async def reconcile(
    session_factory: SessionFactory, *, gateway: PaymentGateway, since: datetime | None = None
) -> Report:
    """Our books against the gateway; `since` is how far back its lists are read (RECENT_DAYS by default)."""
    with session_factory() as session:
        books = read_books(session, gateway_name=gateway.name)
    report = Report()
    _check_ledger(books, report)
    if gateway.name == "sandbox":
        report.notes.append("sandbox: ledger checks only")
        return report
    since = since or utcnow() - timedelta(days=RECENT_DAYS)
    seen = await _read_gateway(gateway, books, since)
    _check_lists(seen, report, since)
    _check_payments(books, seen, report)
    _check_unknown_payments(books, seen, report)
    _check_payouts(books, seen, report)
    _check_unknown_transfers(books, seen, report)
    return report


def _check_ledger(books: Books, report: Report) -> None:
    if books.trial_balance != 0:
        report.differences.append(
            f"The ledger does not balance: its postings sum to {books.trial_balance}, not 0: entries are immutable, so "
            "the database was changed outside the app; stop payouts and ask a developer to find the change."
        )
    for code, stored, derived in books.cached_mismatches:
        report.differences.append(
            f"Account {code}: the stored balance is {stored}, its postings say {derived}: the postings are the "
            "record; ask a developer to set the stored balance from them and find what wrote it."
        )
    for problem_id, flows in sorted(books.problem_escrows.items()):
        stray = sorted(kind for kind in flows if kind not in PROBLEM_ESCROW_KINDS)
        moved = sum(flows.values())
        stored = books.problem_balances.get(problem_id, 0)
        if stray or moved != stored or moved < 0:
            said = ", ".join(f"{kind} {amount}" for kind, amount in sorted(flows.items()))
            report.differences.append(
                f"Problem {problem_id}'s escrow: funded less allocated plus returned less refunded and lost is "
                f"{moved} ({said}), its stored balance {stored}"
                + (f"; entries of kinds that never touch a problem's escrow: {', '.join(stray)}" if stray else "")
                + f": ask a developer to find the entries that moved it; {CORRECTION}."
            )


async def _read_gateway(gateway: PaymentGateway, books: Books, since: datetime) -> GatewayBooks:
    """The gateway's lists first, then one read of each payment and transfer of ours the lists did not hold."""
    limit = asyncio.Semaphore(AT_ONCE)
    pending = [o.created_at - CLOCKS for o in books.payouts if o.status == "pending"]  # their transfers come later
    seen = GatewayBooks()
    seen.listed_payments, seen.listed_transfers = await asyncio.gather(
        _ask(limit, lambda: gateway.recent_payments(since=since, limit=LISTED)),
        _ask(limit, lambda: gateway.recent_transfers(since=min([since, *pending]), limit=LISTED)),
    )
    payments = {p.external_id: (p.status, p.received_minor, p.refunded_minor) for p in _items(seen.listed_payments)}
    transfers = {t.external_id: _transfer_answer(t) for t in _items(seen.listed_transfers)}
    seen.payments, seen.transfers = await asyncio.gather(
        _answers(
            limit, {p.id: p.external_id for p in books.payments if p.external_id}, payments, gateway.payment_status
        ),
        _answers(
            limit, {o.id: o.external_id for o in books.payouts if o.external_id}, transfers, gateway.transfer_status
        ),
    )
    return seen


async def _answers(
    limit: asyncio.Semaphore, ids: dict[int, str], listed: dict[str, Answer], read: Callable[..., Awaitable[Answer]]
) -> dict[int, Answer | PaymentFailed]:
    """The gateway's word on each of ours (our id -> its id): from its list when that held it, else read alone."""
    unread = [(ours, theirs) for ours, theirs in ids.items() if theirs not in listed]
    answers = await asyncio.gather(*(_ask(limit, partial(read, external_id=theirs)) for _ours, theirs in unread))
    found: dict[int, Answer | PaymentFailed] = {
        ours: listed[theirs] for ours, theirs in ids.items() if theirs in listed
    }
    found.update(zip((ours for ours, _theirs in unread), answers, strict=True))
    return found


async def _ask(limit: asyncio.Semaphore, call: Callable[[], Awaitable[T]]) -> T | PaymentFailed:
    async with limit:
        try:
            return await call()
        except PaymentFailed as exc:
            return exc


def _items(listed: list[T] | PaymentFailed) -> list[T]:
    return [] if isinstance(listed, PaymentFailed) else listed


def _transfer_answer(transfer: GatewayTransfer) -> Answer:
    """As `transfer_status` says it."""
    sent, taken_back = transfer.amount_minor, transfer.reversed_minor
    status = "reversed" if taken_back and taken_back >= sent else "partially_reversed" if taken_back else "paid"
    return status, sent, taken_back


def _check_lists(seen: GatewayBooks, report: Report, since: datetime) -> None:
    for what, listed in (("payments", seen.listed_payments), ("transfers", seen.listed_transfers)):
        if isinstance(listed, PaymentFailed):
            report.differences.append(
                f"The gateway's list of {what} could not be read ({listed.message}): those we have no record of are "
                "not known; run `make reconcile` again in a moment."
            )
        elif len(listed) >= LISTED:
            report.notes.append(
                f"only the {LISTED} {what} the gateway listed first since {since:%Y-%m-%d} were looked at for ones we "
                "have no record of; run it again with fewer --days"
            )


def _check_payments(books: Books, seen: GatewayBooks, report: Report) -> None:
    took: dict[str, int] = defaultdict(int)
    gave: dict[str, int] = defaultdict(int)
    unsure: set[str] = set()
    for payment in books.payments:
        if not payment.external_id:
            continue  # never reached the gateway, or our process died first: its metadata finds it in the list
        answer = seen.payments[payment.id]
        if isinstance(answer, PaymentFailed):
            unsure.add(payment.owner)
            report.differences.append(
                f"{_payment(payment)}: the gateway could not say ({answer.message}): run `make reconcile` again; if it "
                "persists, look the payment up in the Stripe dashboard."
            )
            continue
        took[payment.owner] += answer[1]
        gave[payment.owner] += answer[2]
        line = _payment_difference(payment, answer)
        if line:
            report.differences.append(line)
    for owner in sorted(({*took, *books.taken_in, *books.given_back}) - unsure):
        gateway_says = (took[owner], gave[owner])
        ledger_says = (books.taken_in.get(owner, 0), books.given_back.get(owner, 0))
        if gateway_says != ledger_says:
            if ledger_says[0] < gateway_says[0]:
                todo = f"replay the payment's payment_intent.succeeded event from {EVENTS}"
            elif ledger_says[1] < gateway_says[1]:
                todo = f"replay the payment's charge.refunded event from {EVENTS} {RETRIES}"
            else:
                todo = f"the ledger moved money the gateway did not; {CORRECTION}"
            report.differences.append(
                f"{owner.capitalize()}: the gateway took in {gateway_says[0]} and refunded {gateway_says[1]}; "
                f"the ledger booked {ledger_says[0]} in and {ledger_says[1]} refunded: {todo}."
            )


def _payment(payment: KnownPayment) -> str:
    return f"Payment {payment.id} ({payment.external_id or 'no gateway id'}) of {payment.owner}"


def _payment_difference(payment: KnownPayment, answer: Answer) -> str:
    status, got, gave_back = answer
    said = (
        f"{_payment(payment)}: the gateway says {status}, {got} received, {gave_back} refunded; we recorded "
        f"{payment.status} for {payment.amount_minor}, {payment.refunded_minor} refunded: "
    )
    if payment.status not in PAID:
        if got == 0:
            return ""  # nothing was taken, as we recorded
        return said + (
            "the gateway took a payment we never recorded as paid: check the webhook endpoint (Stripe dashboard > "
            f"Developers > Webhooks) and replay its payment_intent.succeeded event from {EVENTS} {RETRIES}."
        )
    if got == 0:
        return said + (
            "we booked money the gateway never received: ask an administrator to hold the contract's release and "
            f"payout, and a developer to find what booked it; {CORRECTION}."
        )
    if got != payment.amount_minor:
        return said + (
            "the gateway took another amount than we booked: an administrator compares the payment in the Stripe "
            "dashboard with the contract and refunds there what should not have been taken."
        )
    if gave_back > payment.refunded_minor:
        return (
            said
            + f"a refund made at the gateway is not booked: replay its charge.refunded event from {EVENTS} {RETRIES}."
        )
    if gave_back < payment.refunded_minor:
        return said + (
            f"we booked {payment.refunded_minor - gave_back} refunded that the gateway never gave back: refund it to "
            "the client from the Stripe dashboard (its charge.refunded event then agrees), or, if the booking was "
            f"wrong, {CORRECTION}."
        )
    return ""


def _check_unknown_payments(books: Books, seen: GatewayBooks, report: Report) -> None:
    known = {p.external_id for p in books.payments if p.external_id}
    ours = {p.id: p for p in books.payments}
    for listed in _items(seen.listed_payments):
        if listed.external_id in known or listed.received_minor == 0:
            continue  # ours, or nothing was taken
        payment_id, contract_id = listed.metadata.get("payment_id", ""), listed.metadata.get("contract_id", "")
        problem_id = listed.metadata.get("problem_id", "")
        owner = f"contract {contract_id}" if contract_id or not problem_id else f"problem {problem_id}"
        said = (
            f"Gateway payment {listed.external_id} ({listed.status}, {listed.received_minor} {listed.currency} "
            f"received, {listed.refunded_minor} refunded, made {listed.created:%Y-%m-%d %H:%M} UTC)"
        )
        payment = ours.get(int(payment_id)) if payment_id.isdigit() else None
        if payment is not None and payment.owner == owner and payment.external_id is None:
            report.differences.append(
                f"{said} is our payment {payment.id} of {owner}, recorded {payment.status} without its "
                f"gateway id: replay its payment_intent.succeeded event from {EVENTS}; that links and books it."
            )
        elif payment is not None and payment.owner == owner:
            report.differences.append(
                f"{said} is a second payment for our payment {payment.id} of {owner}, which we recorded "
                f"as {payment.external_id} ({payment.status}): compare the two in the Stripe dashboard and refund the "
                "one the contract does not need."
            )
        elif payment_id or contract_id or problem_id:
            named = owner if contract_id or problem_id else "contract ?"
            report.differences.append(
                f"{said} names {named} and payment {payment_id or '?'}, which we have no record "
                "of: check whether another installation uses this Stripe account; if not, refund it from the Stripe "
                "dashboard."
            )
        else:
            report.differences.append(
                f"{said} was not made by this app (no contract in its metadata): check in the Stripe dashboard who "
                "made it, and refund it there if the platform should not keep it."
            )


def _check_payouts(books: Books, seen: GatewayBooks, report: Report) -> None:
    for payout in books.payouts:
        if not payout.external_id:
            continue  # not sent yet: a transfer for it is looked for in the gateway's list
        answer = seen.transfers[payout.id]
        if isinstance(answer, PaymentFailed):
            report.differences.append(
                f"{_payout(payout)}: the gateway could not say ({answer.message}): run `make reconcile` again; if it "
                "persists, look the transfer up in the Stripe dashboard."
            )
            continue
        line = _payout_difference(payout, answer)
        if line:
            report.differences.append(line)
        _, sent, taken_back = answer
        ledger_says = (books.paid_out.get(payout.id, 0), books.taken_back.get(payout.id, 0))
        if (sent, taken_back) != ledger_says:
            if ledger_says[0] < sent:
                todo = f"replay the transfer's transfer.created event from {EVENTS}"
            elif ledger_says[1] < taken_back:
                todo = f"replay the transfer's transfer.reversed event from {EVENTS} {RETRIES}"
            else:
                todo = f"the ledger moved money the gateway did not; {CORRECTION}"
            report.differences.append(
                f"{_payout(payout)}: the gateway sent {sent} and took back {taken_back}; the ledger paid out "
                f"{ledger_says[0]} and took back {ledger_says[1]}: {todo}."
            )


def _payout(payout: KnownPayout) -> str:
    return f"Payout {payout.id} ({payout.external_id or 'no gateway id'}) to user {payout.user_id}"


def _payout_difference(payout: KnownPayout, answer: Answer) -> str:
    status, sent, taken_back = answer
    said = (
        f"{_payout(payout)}: the gateway says {status}, {sent} sent, {taken_back} reversed; we recorded "
        f"{payout.status} for {payout.amount_minor}, {payout.reversed_minor} reversed: "
    )
    if payout.status not in ("paid", "reversed"):
        return (
            said
            + f"the member was paid a payout we hold as {payout.status}: replay its transfer.created event from {EVENTS}."
        )
    if sent != payout.amount_minor:
        return said + (
            "the gateway sent another amount than the payout: an administrator compares the transfer in the Stripe "
            "dashboard with the payout and reverses or pays the difference."
        )
    if taken_back > payout.reversed_minor:
        return said + (
            f"a reversal made at the gateway is not booked: replay its transfer.reversed event from {EVENTS} "
            f"{RETRIES}; the member is then owed it again and it is sent anew."
        )
    if taken_back < payout.reversed_minor:
        return said + (
            f"we booked {payout.reversed_minor - taken_back} reversed that the gateway never took back, and owe it to "
            f"the member again: ask an administrator to hold the member's payouts (it would be paid twice); {CORRECTION}."
        )
    return ""


def _check_unknown_transfers(books: Books, seen: GatewayBooks, report: Report) -> None:
    known = {o.external_id for o in books.payouts if o.external_id}
    ours = {o.id: o for o in books.payouts}
    for transfer in _items(seen.listed_transfers):
        if transfer.external_id in known:
            continue
        payout_id = transfer.metadata.get("payout_id", "")
        payout = ours.get(int(payout_id)) if payout_id.isdigit() else None
        said = (
            f"Transfer {transfer.external_id} ({transfer.amount_minor} {transfer.currency} to {transfer.destination}, "
            f"{transfer.reversed_minor} reversed, made {transfer.created:%Y-%m-%d %H:%M} UTC)"
        )
        if payout is not None and payout.status == "pending" and payout.external_id is None:
            report.differences.append(
                f"{said} pays our payout {payout.id} to user {payout.user_id}, which we hold as pending for "
                f"{payout.amount_minor}: replay its transfer.created event from {EVENTS} so it is booked as paid out; "
                "do not send the payout again."
            )
        elif payout is not None and payout.external_id is None:
            report.differences.append(
                f"{said} pays our payout {payout.id} to user {payout.user_id}, which we hold as {payout.status}: the "
                f"member was paid money kept back; ask an administrator whether to reverse {transfer.external_id} "
                "from the Stripe dashboard."
            )
        elif payout is not None:
            report.differences.append(
                f"{said} is a second transfer for our payout {payout.id} to user {payout.user_id}, recorded as "
                f"{payout.external_id}: the member was paid twice; reverse {transfer.external_id} from the Stripe "
                "dashboard."
            )
        else:
            report.differences.append(
                f"{said} is not one of our payouts: check in the Stripe dashboard (Connect > Transfers) who made it."
            )
