"""The sandbox's side of the transfer methods the Stripe adapter brought to the port."""

from __future__ import annotations

import pytest

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
