"""The sandbox's side of the transfer and listing methods the Stripe adapter brought to the port."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jtbd_app.adapters.payments_sandbox import SUCCEEDS as VISA
from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.services.ports import PaymentFailed


async def test_a_sandbox_reversal_repeated_with_its_key_is_made_once() -> None:
    gateway = SandboxGateway()

    first = await gateway.reverse_transfer(transfer_external_id="sbx_tr_1", amount_minor=500, idempotency_key="r:1")
    again = await gateway.reverse_transfer(transfer_external_id="sbx_tr_1", amount_minor=500, idempotency_key="r:1")

    assert first == again and first.status == "succeeded"


async def test_the_sandbox_keeps_no_transfers_to_reconcile() -> None:
    with pytest.raises(PaymentFailed) as failed:
        await SandboxGateway().transfer_status(external_id="sbx_tr_1")

    assert failed.value.retryable is False


async def test_the_sandbox_lists_no_payments_or_transfers_of_its_own() -> None:
    gateway, since = SandboxGateway(), datetime.now(UTC) - timedelta(days=30)
    await gateway.start_payment(
        amount_minor=500, currency="USD", idempotency_key="f:1", transfer_group="c:1", metadata={}, test_card=VISA
    )

    assert await gateway.recent_payments(since=since, limit=10) == []
    assert await gateway.recent_transfers(since=since, limit=10) == []
