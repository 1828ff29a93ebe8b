"""Payment gateways for money tests.

`ScriptedGateway`: the sandbox, with switches that make it fail or answer as a card payment needing the browser
does, and a record of the money it actually moved (so tests can check the ledger moved only on the gateway's word).

`StripeModel`: a model of Stripe's side (charges, refunds, disputes, transfers and their reversals, connected
accounts), which puts the events Stripe would send into an outbox for the test to deliver in any order."""

from __future__ import annotations

import asyncio
import itertools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from jtbd_app.adapters.payments_sandbox import DECLINES, SandboxGateway
from jtbd_app.models import utcnow
from jtbd_app.services.ports import (
    GatewayEvent,
    GatewayPayment,
    GatewayResult,
    GatewayTransfer,
    InvalidWebhook,
    PaymentFailed,
    PaymentStart,
    PayoutAccountStatus,
)

T = TypeVar("T")


class ScriptedGateway(SandboxGateway):
    def __init__(self) -> None:
        super().__init__()
        self.payments_fail = False  # start_payment raises: the gateway cannot be reached
        self.refunds_fail = False
        self.transfers_fail = False
        self.confirm_by_webhook = False  # answer "requires_action": a webhook says later whether it succeeded
        self.yield_first = False  # let other coroutines run before answering (two clicks at once)
        self.charges: dict[str, tuple[int, str]] = {}  # payment external id -> (amount, currency) charged
        self.refunds: dict[str, int] = {}  # payment external id -> amount refunded
        self.transfers: dict[str, tuple[int, str]] = {}  # idempotency key -> (amount, currency) transferred

    @property
    def refunded(self) -> set[str]:
        return set(self.refunds)

    @property
    def transferred(self) -> set[str]:
        return set(self.transfers)

    def record_refund(self, payment_external_id: str, amount_minor: int) -> None:
        """A refund made outside our code (the gateway's dashboard); a second refund of one payment is no refund."""
        self.refunds.setdefault(payment_external_id, amount_minor)

    def balance(self, currency: str) -> int:
        """What the platform holds at the gateway: charged, less refunded and transferred."""
        charged = sum(amount for amount, cur in self.charges.values() if cur == currency)
        refunded = sum(a for ext, a in self.refunds.items() if ext in self.charges and self.charges[ext][1] == currency)
        transferred = sum(amount for amount, cur in self.transfers.values() if cur == currency)
        return charged - refunded - transferred

    async def start_payment(
        self,
        *,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        transfer_group: str,
        metadata: dict[str, str],
        test_card: str = "",
    ) -> PaymentStart:
        if self.yield_first:
            await asyncio.sleep(0)
        if self.payments_fail:
            raise PaymentFailed("The payment service did not answer.", retryable=True)
        if self.confirm_by_webhook:
            token = secrets.token_hex(8)
            return PaymentStart(external_id=f"sbx_pay_{token}", status="requires_action", client_secret=f"cs_{token}")
        start = await super().start_payment(
            amount_minor=amount_minor,
            currency=currency,
            idempotency_key=idempotency_key,
            transfer_group=transfer_group,
            metadata=metadata,
            test_card=test_card,
        )
        if start.status == "succeeded":
            self.charges[start.external_id] = (amount_minor, currency)
        return start

    async def refund(self, *, payment_external_id: str, amount_minor: int, idempotency_key: str) -> GatewayResult:
        if self.refunds_fail:
            raise PaymentFailed("The payment service did not answer.", retryable=True)
        result = await super().refund(
            payment_external_id=payment_external_id, amount_minor=amount_minor, idempotency_key=idempotency_key
        )
        self.record_refund(payment_external_id, amount_minor)
        return result

    async def transfer(
        self,
        *,
        destination: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        transfer_group: str,
        source_charge_id: str,
        metadata: dict[str, str],
    ) -> GatewayResult:
        if self.transfers_fail:
            raise PaymentFailed("The payment service did not answer.", retryable=True)
        result = await super().transfer(
            destination=destination,
            amount_minor=amount_minor,
            currency=currency,
            idempotency_key=idempotency_key,
            transfer_group=transfer_group,
            source_charge_id=source_charge_id,
            metadata=metadata,
        )
        self.transfers[idempotency_key] = (amount_minor, currency)
        return result


# ---- a model of Stripe's side, for the money property test ------------------------------------------------------


@dataclass
class Dispute:
    """A chargeback of one charge. At Stripe the funds are withdrawn when it is created and reinstated if it is won."""

    id: str
    amount: int
    status: str = "needs_response"  # needs_response | won | lost
    withdrawn: int = 0  # what Stripe holds back from the platform now


@dataclass
class Intent:
    """A PaymentIntent with its one charge: what it took in, what went back, and its dispute."""

    id: str
    charge_id: str
    amount: int
    currency: str
    metadata: dict[str, str]
    status: str = "requires_action"  # requires_action | succeeded | failed
    refunded: int = 0  # the charge's running total refunded (`amount_refunded`)
    dispute: Dispute | None = None
    created: datetime = field(default_factory=utcnow)

    @property
    def contract_id(self) -> int:
        return int(self.metadata.get("contract_id", "0"))

    @property
    def problem_id(self) -> int:
        return int(self.metadata.get("problem_id", "0"))

    @property
    def held_by_stripe(self) -> int:
        """What this charge adds to the platform's balance now."""
        if self.status != "succeeded":
            return 0
        return self.amount - self.refunded - (self.dispute.withdrawn if self.dispute else 0)


@dataclass
class Transfer:
    id: str
    amount: int
    currency: str
    destination: str
    metadata: dict[str, str]
    reversed: int = 0  # running total reversed (`amount_reversed`)
    created: datetime = field(default_factory=utcnow)

    @property
    def contract_id(self) -> int:
        return int(self.metadata.get("contract_id") or 0)


@dataclass
class ConnectedAccount:
    id: str
    payouts_enabled: bool = False

    def status(self) -> PayoutAccountStatus:
        enabled = self.payouts_enabled
        return PayoutAccountStatus(self.id, charges_enabled=enabled, payouts_enabled=enabled, details_submitted=enabled)


@dataclass
class Knowledge:
    """What the platform has been told by the gateway (an answer it received, or an event it acknowledged with a
    2xx): the charges it knows succeeded, the running refund totals and the disputed amounts it knows of."""

    succeeded: set[str] = field(default_factory=set)
    refunded: dict[str, int] = field(default_factory=dict)
    disputed: dict[str, int] = field(default_factory=dict)
    early: set[str] = field(default_factory=set)  # charges whose refund or dispute was told before their success


class StripeModel:
    """Stripe as the platform meets it: payments (confirmed at once or later in the browser), refunds with running
    totals (ours, or made in the dashboard, in full or in part), disputes (created with the funds withdrawn, then won
    with the funds reinstated, or lost), transfers to connected accounts and their partial reversals, and connected
    accounts that finish onboarding or lose their payouts. Every change on Stripe's side puts the events Stripe
    would send into `outbox`, shaped as the adapter hands them to the services; the test delivers them in any order
    and any number of times, and `acknowledge` takes an event off once the platform answered it with a 2xx.

    Switches make calls fail before anything happened (`payments_fail`, `refunds_fail`, `transfers_fail`), or after
    Stripe did the work but before the answer arrived (`answers_lost`: a time-out, so the platform learns of it
    only from the event or a retry under the same idempotency key). The model is shared by threads: one lock."""

    name = "stripe"
    test_money = True

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.intents: dict[str, Intent] = {}
        self.transfers: dict[str, Transfer] = {}
        self.accounts: dict[str, ConnectedAccount] = {}
        self.outbox: list[GatewayEvent] = []  # sent, not yet answered with a 2xx: Stripe retries them
        self.sent: list[GatewayEvent] = []  # answered at least once (Stripe may still send them again)
        self.known = Knowledge()
        self.on_transfer: Callable[[Transfer], None] | None = None  # the test's look at each new transfer
        self.payments_fail = False
        self.refunds_fail = False
        self.transfers_fail = False
        self.answers_lost = False
        self.confirm_by_webhook = False  # answer "requires_action": the client confirms in the browser later
        self.yield_first = False  # let other coroutines run before answering (two clicks at once)
        self.refusals = 0  # calls that raised PaymentFailed
        self._answers: dict[str, object] = {}  # idempotency key -> the first successful answer
        self._ids = itertools.count(1)

    # ---- the model's bookkeeping -------------------------------------------------------------------------------

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):04d}{secrets.token_hex(3)}"

    def _emit(self, kind: str, object_id: str, **fields: Any) -> None:
        self.outbox.append(GatewayEvent(id=self._id("evt"), kind=kind, object_id=object_id, **fields))

    def _refuse(self, message: str, *, retryable: bool = True, answer_lost: bool = False) -> PaymentFailed:
        self.refusals += 1
        return PaymentFailed(message, retryable=retryable, answer_lost=answer_lost)

    def _answer(self, result: T) -> T:
        if self.answers_lost:  # as the adapter says of a connection lost mid-call (payments_stripe.payment_failed)
            raise self._refuse("The payment service did not answer in time.", answer_lost=True)
        return result

    def replayed(self, idempotency_key: str) -> PaymentStart | None:
        """What a payment started under `idempotency_key` answered first, which Stripe gives again for that key."""
        with self.lock:
            known = self._answers.get(idempotency_key)
            return known if isinstance(known, PaymentStart) else None

    @property
    def in_trouble(self) -> bool:
        return self.payments_fail or self.refunds_fail or self.transfers_fail or self.answers_lost

    def acknowledge(self, event: GatewayEvent) -> None:
        """The platform answered `event` with a 2xx: Stripe stops sending it, and the platform knows what it says."""
        with self.lock:
            for i, waiting in enumerate(self.outbox):
                if waiting.id == event.id:
                    del self.outbox[i]
                    self.sent.append(waiting)
                    break
            pi = event.related_id or event.object_id
            if event.kind.startswith("charge.") and pi not in self.known.succeeded:
                self.known.early.add(pi)
            if event.kind == "payment_intent.succeeded":
                self.known.succeeded.add(event.object_id)
            elif event.kind == "charge.refunded":
                self.known.refunded[pi] = max(self.known.refunded.get(pi, 0), event.amount_minor)
            elif event.kind in ("charge.dispute.created", "charge.dispute.funds_withdrawn"):
                self.known.disputed[pi] = event.amount_minor
            elif event.kind == "charge.dispute.funds_reinstated" or (
                event.kind == "charge.dispute.closed" and event.status == "won"
            ):
                self.known.disputed[pi] = 0
            elif event.kind == "charge.dispute.closed":
                self.known.disputed[pi] = event.amount_minor

    def known_cover(self, contract_id: int) -> int:
        """What, as far as the platform was told, the client's payments for a contract still hold."""
        with self.lock:
            return sum(
                i.amount - self.known.refunded.get(i.id, 0) - self.known.disputed.get(i.id, 0)
                for i in self.intents.values()
                if i.contract_id == contract_id and i.id in self.known.succeeded
            )

    def balance(self, currency: str) -> int:
        """What the platform holds at Stripe: charged - refunded - transferred + reversed - disputes withdrawn
        (+ reinstated, already netted in `withdrawn`)."""
        with self.lock:
            taken = sum(i.held_by_stripe for i in self.intents.values() if i.currency == currency)
            sent = sum(t.amount - t.reversed for t in self.transfers.values() if t.currency == currency)
            return taken - sent

    def charge_of(self, payment_external_id: str) -> Intent | None:
        return self.intents.get(payment_external_id)

    def restore_payment(
        self, *, external_id: str, charge_id: str, amount: int, currency: str, contract_id: int = 0, problem_id: int = 0
    ) -> None:
        """A payment that succeeded before the test began (a saved starting point): known, its event answered. It paid
        for a contract or, when `problem_id` is given, for a problem's escrow."""
        metadata = {"problem_id": str(problem_id)} if problem_id else {"contract_id": str(contract_id)}
        with self.lock:
            intent = Intent(external_id, charge_id or f"ch_{external_id}", amount, currency, metadata)
            intent.status = "succeeded"
            self.intents[external_id] = intent
            self.known.succeeded.add(external_id)
            self.sent.append(self._succeeded_event(intent))

    def restore_account(self, external_id: str, *, payouts_enabled: bool) -> None:
        with self.lock:
            self.accounts[external_id] = ConnectedAccount(external_id, payouts_enabled)

    # ---- the API the platform calls ----------------------------------------------------------------------------

    def _succeeded_event(self, intent: Intent) -> GatewayEvent:
        return GatewayEvent(
            id=self._id("evt"),
            kind="payment_intent.succeeded",
            object_id=intent.id,
            amount_minor=intent.amount,
            currency=intent.currency,
            charge_id=intent.charge_id,
            metadata=dict(intent.metadata),
        )

    def _charge(self, intent: Intent, *, succeeds: bool, failure_message: str = "") -> None:
        if succeeds:
            intent.status = "succeeded"
            self.outbox.append(self._succeeded_event(intent))
        else:
            intent.status = "failed"
            self._emit(
                "payment_intent.payment_failed",
                intent.id,
                amount_minor=intent.amount,
                currency=intent.currency,
                failure_message=failure_message,
                metadata=dict(intent.metadata),
            )

    async def start_payment(
        self,
        *,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        transfer_group: str,
        metadata: dict[str, str],
        test_card: str = "",
    ) -> PaymentStart:
        if self.yield_first:
            await asyncio.sleep(0)
        with self.lock:
            if self.payments_fail:
                raise self._refuse("The payment service did not answer.")
            known = self._answers.get(idempotency_key)
            if isinstance(known, PaymentStart):  # asked again: the first answer, which the platform now learns
                answer = self._answer(known)
                if answer.status == "succeeded":
                    self.known.succeeded.add(answer.external_id)
                return answer
            card = "".join(ch for ch in test_card if ch.isdigit())
            intent = Intent(self._id("pi"), self._id("ch"), amount_minor, currency, dict(metadata))
            self.intents[intent.id] = intent
            if card in DECLINES:
                self._charge(intent, succeeds=False, failure_message=DECLINES[card])
                start = PaymentStart(intent.id, "failed", failure_message=DECLINES[card])
            elif self.confirm_by_webhook:
                start = PaymentStart(intent.id, "requires_action", client_secret=f"{intent.id}_secret")
            else:
                self._charge(intent, succeeds=True)
                start = PaymentStart(intent.id, "succeeded", charge_id=intent.charge_id)
            self._answers[idempotency_key] = start
            answer = self._answer(start)
            if answer.status == "succeeded":
                self.known.succeeded.add(intent.id)
            return answer

    async def refund(self, *, payment_external_id: str, amount_minor: int, idempotency_key: str) -> GatewayResult:
        with self.lock:
            if self.refunds_fail:
                raise self._refuse("The payment service did not answer.")
            known = self._answers.get(idempotency_key)
            if isinstance(known, GatewayResult):
                return self._answer(known)
            intent = self.intents.get(payment_external_id)
            if intent is None or intent.status != "succeeded":
                raise self._refuse("No such charge (resource_missing).", retryable=False)
            if intent.dispute is not None:
                raise self._refuse("The charge is disputed (charge_disputed).", retryable=False)
            if amount_minor > intent.amount - intent.refunded:
                raise self._refuse("The charge was already refunded (charge_already_refunded).", retryable=False)
            result = self._refund(intent, amount_minor)
            self._answers[idempotency_key] = result
            answer = self._answer(result)
            self.known.refunded[intent.id] = max(self.known.refunded.get(intent.id, 0), intent.refunded)
            return answer

    def _refund(self, intent: Intent, amount_minor: int) -> GatewayResult:
        intent.refunded += amount_minor
        self._emit(
            "charge.refunded",
            intent.charge_id,
            amount_minor=intent.refunded,
            currency=intent.currency,
            related_id=intent.id,
            charge_id=intent.charge_id,
            metadata=dict(intent.metadata),
        )
        return GatewayResult(self._id("re"), "succeeded")

    async def transfer(
        self,
        *,
        destination: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        transfer_group: str,
        source_charge_id: str,
        metadata: dict[str, str],
    ) -> GatewayResult:
        with self.lock:
            if self.transfers_fail:
                raise self._refuse("The payment service did not answer.")
            known = self._answers.get(idempotency_key)
            if isinstance(known, GatewayResult):
                return self._answer(known)
            account = self.accounts.get(destination)
            if account is None or not account.payouts_enabled:
                raise self._refuse("The destination account cannot receive transfers.", retryable=False)
            transfer = Transfer(self._id("tr"), amount_minor, currency, destination, dict(metadata))
            self.transfers[transfer.id] = transfer
            self._emit(
                "transfer.created",
                transfer.id,
                amount_minor=amount_minor,
                currency=currency,
                related_id=transfer_group,
                metadata=dict(metadata),
            )
            if self.on_transfer is not None:
                self.on_transfer(transfer)
            result = GatewayResult(transfer.id, "paid")
            self._answers[idempotency_key] = result
            return self._answer(result)

    async def reverse_transfer(
        self, *, transfer_external_id: str, amount_minor: int, idempotency_key: str
    ) -> GatewayResult:
        with self.lock:
            if self.transfers_fail:
                raise self._refuse("The payment service did not answer.")
            known = self._answers.get(idempotency_key)
            if isinstance(known, GatewayResult):
                return self._answer(known)
            transfer = self.transfers.get(transfer_external_id)
            if transfer is None or amount_minor > transfer.amount - transfer.reversed:
                raise self._refuse("The transfer cannot be reversed by that much.", retryable=False)
            result = self._reverse(transfer, amount_minor)
            self._answers[idempotency_key] = result
            return self._answer(result)

    def _reverse(self, transfer: Transfer, amount_minor: int) -> GatewayResult:
        transfer.reversed += amount_minor
        self._emit(
            "transfer.reversed",
            transfer.id,
            amount_minor=transfer.reversed,
            currency=transfer.currency,
            metadata=dict(transfer.metadata),
        )
        return GatewayResult(self._id("trr"), "succeeded")

    async def create_payout_account(self, *, email: str, idempotency_key: str) -> str:
        with self.lock:
            known = self._answers.get(idempotency_key)
            if isinstance(known, str):
                return known
            account = ConnectedAccount(self._id("acct"))
            self.accounts[account.id] = account
            self._answers[idempotency_key] = account.id
            return account.id

    async def onboarding_link(self, *, account_external_id: str, refresh_url: str, return_url: str) -> str:
        return f"https://connect.stripe.test/setup/{account_external_id}"

    async def payout_account_status(self, *, account_external_id: str) -> PayoutAccountStatus:
        with self.lock:
            account = self.accounts.get(account_external_id)
            if account is None:
                raise self._refuse("No such account.", retryable=False)
            return account.status()

    async def payment_status(self, *, external_id: str) -> tuple[str, int, int]:
        with self.lock:
            intent = self.intents.get(external_id)
            if intent is None:
                raise self._refuse("No such payment.", retryable=False)
            received = intent.amount if intent.status == "succeeded" else 0
            return intent.status, received, intent.refunded

    async def recent_payments(self, *, since: datetime, limit: int) -> list[GatewayPayment]:
        with self.lock:
            return [
                GatewayPayment(
                    external_id=i.id,
                    status=i.status,
                    amount_minor=i.amount,
                    received_minor=i.amount if i.status == "succeeded" else 0,
                    refunded_minor=i.refunded,
                    currency=i.currency,
                    created=i.created,
                    metadata=dict(i.metadata),
                )
                for i in self.intents.values()
                if i.created >= since
            ][:limit]

    async def recent_transfers(self, *, since: datetime, limit: int) -> list[GatewayTransfer]:
        with self.lock:
            return [
                GatewayTransfer(
                    external_id=t.id,
                    amount_minor=t.amount,
                    reversed_minor=t.reversed,
                    currency=t.currency,
                    destination=t.destination,
                    created=t.created,
                    metadata=dict(t.metadata),
                )
                for t in self.transfers.values()
                if t.created >= since
            ][:limit]

    async def transfer_status(self, *, external_id: str) -> tuple[str, int, int]:
        with self.lock:
            transfer = self.transfers.get(external_id)
            if transfer is None:
                raise self._refuse("No such transfer.", retryable=False)
            status = (
                "paid"
                if not transfer.reversed
                else "reversed"
                if transfer.reversed == transfer.amount
                else "partially_reversed"
            )
            return status, transfer.amount, transfer.reversed

    def verify_webhook(self, *, payload: bytes, signature: str) -> GatewayEvent:
        raise InvalidWebhook("The model hands its events to the test, not over HTTP.")

    # ---- what happens at Stripe without the platform's call ----------------------------------------------------

    def confirm(self, intent_id: str, *, succeeds: bool) -> bool:
        """The client confirms a card payment in the browser; Stripe charges it, or the bank declines it."""
        with self.lock:
            intent = self.intents.get(intent_id)
            if intent is None or intent.status != "requires_action":
                return False
            self._charge(intent, succeeds=succeeds, failure_message="Your card was declined.")
            return True

    def dashboard_refund(self, intent_id: str, amount_minor: int) -> bool:
        """Someone refunds the charge in Stripe's dashboard (at most what is left; never a disputed charge)."""
        with self.lock:
            intent = self.intents.get(intent_id)
            if intent is None or intent.status != "succeeded" or intent.dispute is not None:
                return False
            amount = min(amount_minor, intent.amount - intent.refunded)
            if amount <= 0:
                return False
            self._refund(intent, amount)
            return True

    def open_dispute(self, intent_id: str) -> bool:
        """The cardholder disputes what is left of the charge: Stripe withdraws it from the platform at once."""
        with self.lock:
            intent = self.intents.get(intent_id)
            if intent is None or intent.status != "succeeded" or intent.dispute is not None:
                return False
            amount = intent.amount - intent.refunded
            if amount <= 0:
                return False
            intent.dispute = Dispute(self._id("dp"), amount, withdrawn=amount)
            for kind in ("charge.dispute.created", "charge.dispute.funds_withdrawn"):
                self._emit_dispute(kind, intent)
            return True

    def close_dispute(self, intent_id: str, *, won: bool) -> bool:
        with self.lock:
            intent = self.intents.get(intent_id)
            dispute = intent.dispute if intent else None
            if intent is None or dispute is None or dispute.status != "needs_response":
                return False
            dispute.status = "won" if won else "lost"
            if won:
                dispute.withdrawn = 0
                self._emit_dispute("charge.dispute.funds_reinstated", intent)
            self._emit_dispute("charge.dispute.closed", intent)
            return True

    def _emit_dispute(self, kind: str, intent: Intent) -> None:
        assert intent.dispute is not None
        self._emit(
            kind,
            intent.dispute.id,
            amount_minor=intent.dispute.amount,
            currency=intent.currency,
            related_id=intent.id,
            charge_id=intent.charge_id,
            metadata=dict(intent.metadata),
            status=intent.dispute.status,
        )

    def dashboard_reversal(self, transfer_id: str, amount_minor: int) -> bool:
        """Someone reverses (part of) a transfer in the dashboard: Stripe sends the new running total."""
        with self.lock:
            transfer = self.transfers.get(transfer_id)
            if transfer is None:
                return False
            amount = min(amount_minor, transfer.amount - transfer.reversed)
            if amount <= 0:
                return False
            self._reverse(transfer, amount)
            return True

    def set_payouts_enabled(self, account_id: str, enabled: bool) -> bool:
        """The contractor finishes onboarding (or Stripe disables their payouts): account.updated."""
        with self.lock:
            account = self.accounts.get(account_id)
            if account is None or account.payouts_enabled == enabled:
                return False
            account.payouts_enabled = enabled
            self._emit("account.updated", account.id, account=account.status())
            return True
