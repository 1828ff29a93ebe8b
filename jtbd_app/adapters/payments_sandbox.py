"""The embedded payment gateway: test money only, no network, decided by the test card number typed in.

Cards follow Stripe's test numbers so people already know them: 4242 4242 4242 4242 succeeds, 4000 0000 0000
0002 is declined, 4000 0000 0000 9995 fails for insufficient funds. Repeating an idempotency key returns the
first answer, as a real gateway does. It keeps no state across restarts: the ledger is the record.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from datetime import datetime

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

SUCCEEDS = "4242424242424242"
DECLINES = {
    "4000000000000002": "Your card was declined (test card).",
    "4000000000009995": "Your card has insufficient funds (test card).",
}


def _digits(card: str) -> str:
    return "".join(ch for ch in card if ch.isdigit())


class SandboxGateway:
    name = "sandbox"
    test_money = True

    def __init__(self, remember: int = 10_000) -> None:
        self._answers: OrderedDict[str, object] = OrderedDict()
        self._remember = remember

    def _once(self, key: str, make: object) -> object:
        """The first answer for a key, as a gateway's idempotency does (the most recent keys are remembered)."""
        if key not in self._answers:
            self._answers[key] = make() if callable(make) else make
            while len(self._answers) > self._remember:
                self._answers.popitem(last=False)
        return self._answers[key]

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
        card = _digits(test_card)
        if card in DECLINES:
            return PaymentStart(
                external_id=f"sbx_pay_{secrets.token_hex(8)}", status="failed", failure_message=DECLINES[card]
            )
        if card != SUCCEEDS:
            raise PaymentFailed("Use the test card 4242 4242 4242 4242; no real card is charged here.", retryable=True)

        def make() -> PaymentStart:
            token = secrets.token_hex(8)
            return PaymentStart(external_id=f"sbx_pay_{token}", status="succeeded", charge_id=f"sbx_ch_{token}")

        result = self._once(idempotency_key, make)
        assert isinstance(result, PaymentStart)
        return result

    async def refund(self, *, payment_external_id: str, amount_minor: int, idempotency_key: str) -> GatewayResult:
        result = self._once(idempotency_key, lambda: GatewayResult(f"sbx_re_{secrets.token_hex(8)}", "succeeded"))
        assert isinstance(result, GatewayResult)
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
        result = self._once(idempotency_key, lambda: GatewayResult(f"sbx_tr_{secrets.token_hex(8)}", "succeeded"))
        assert isinstance(result, GatewayResult)
        return result

    async def reverse_transfer(
        self, *, transfer_external_id: str, amount_minor: int, idempotency_key: str
    ) -> GatewayResult:
        result = self._once(idempotency_key, lambda: GatewayResult(f"sbx_trr_{secrets.token_hex(8)}", "succeeded"))
        assert isinstance(result, GatewayResult)
        return result

    async def create_payout_account(self, *, email: str, idempotency_key: str) -> str:
        result = self._once(idempotency_key, lambda: f"sbx_acct_{secrets.token_hex(8)}")
        assert isinstance(result, str)
        return result

    async def onboarding_link(self, *, account_external_id: str, refresh_url: str, return_url: str) -> str:
        return return_url  # nothing to fill in: sandbox payout accounts are ready at once

    async def payout_account_status(self, *, account_external_id: str) -> PayoutAccountStatus:
        return PayoutAccountStatus(
            account_external_id, charges_enabled=True, payouts_enabled=True, details_submitted=True
        )

    async def payment_status(self, *, external_id: str) -> tuple[str, int, int]:
        raise PaymentFailed("The sandbox keeps no record of its own; the ledger is the record.", retryable=False)

    async def transfer_status(self, *, external_id: str) -> tuple[str, int, int]:
        raise PaymentFailed("The sandbox does not track transfers; the ledger is the record.", retryable=False)

    async def recent_payments(self, *, since: datetime, limit: int) -> list[GatewayPayment]:
        return []  # no records of its own: every payment it made is in the ledger

    async def recent_transfers(self, *, since: datetime, limit: int) -> list[GatewayTransfer]:
        return []

    def verify_webhook(self, *, payload: bytes, signature: str) -> GatewayEvent:
        raise InvalidWebhook("The sandbox sends no webhooks.")
