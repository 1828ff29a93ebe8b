"""A payment gateway for money tests: the sandbox, with switches that make it fail or answer as a card payment
needing the browser does, and a record of the money it actually moved (so tests can check the ledger moved only
on the gateway's word)."""

from __future__ import annotations

import asyncio
import secrets

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.services.ports import GatewayResult, PaymentFailed, PaymentStart


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
