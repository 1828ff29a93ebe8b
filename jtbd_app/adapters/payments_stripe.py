"""Stripe Connect through the official SDK: separate charges and transfers, Express accounts, signed webhooks.

Money comes in as PaymentIntents on the platform account (`transfer_group` and `metadata` name the contract) and
goes out as transfers to the contractor's connected account, tied to the charge that funded them
(`source_transaction`). Every call carries the caller's idempotency key and an explicit timeout; every Stripe
error becomes `PaymentFailed`, so no SDK type leaves this module.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import httpx
import stripe

from jtbd_app.adapters.stripe_events import (
    account_status,
    amount,
    amount_received,
    amount_refunded,
    gateway_payment,
    gateway_transfer,
    id_of,
    to_gateway_event,
)
from jtbd_app.config import Settings
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

log = logging.getLogger(__name__)
T = TypeVar("T")

# Stripe's own test PaymentMethods for the card numbers people type (test keys only; live keys ignore them).
TEST_PAYMENT_METHODS = {
    "4242424242424242": "pm_card_visa",
    "4000000000000002": "pm_card_visa_chargeDeclined",
    "4000000000009995": "pm_card_visa_chargeDeclinedInsufficientFunds",
}
PAGE = 100  # Stripe's largest page of a list
UNREACHABLE = "The payment service did not answer. Nothing was lost; please try again in a moment."
SERVICE_TROUBLE = "The payment service had a problem. Please try again in a moment."
UNAVAILABLE = "Payments are not available right now. Please try again later."
REFUSED = "The payment service refused this request."
# Stripe keeps a key's first request for 24 hours and refuses the same key with other parameters: paying again after a
# lost answer with another test card asks about the first payment under its key, with other details.
SENT_BEFORE = (
    "This payment was already sent to the payment service with another card, and its answer has not reached us yet: "
    "pay again with the same card to learn how it went."
)


class LoopLocalHTTPXClient(stripe.HTTPXClient):
    """The SDK's httpx client, with one connection pool per event loop: pooled connections belong to the loop
    that opened them, and the app, its background jobs and the CLI each run their own loop."""

    def __init__(self, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._ssl = ssl.create_default_context(cafile=stripe.ca_bundle_path)
        self._pools: WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = WeakKeyDictionary()

    def _pool(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            pool = self._pools[loop] = httpx.AsyncClient(verify=self._ssl)
        return pool

    async def request_async(self, method: str, url: str, headers: Any, post_data: Any = None) -> tuple[bytes, int, Any]:
        args, kwargs = self._get_request_args_kwargs(method, url, headers, post_data)
        try:
            response = await self._pool().request(*args, **kwargs)
        except Exception as exc:
            self._handle_request_error(exc)  # raises stripe.APIConnectionError (retried by the SDK)
        return response.content, response.status_code, response.headers


def payment_failed(exc: stripe.StripeError, action: str) -> PaymentFailed:
    """Our error for Stripe's: a message safe to show, and whether trying again later can help."""
    log.warning(
        "Stripe refused to %s: %s (HTTP %s, code %s, request %s): %s",
        action,
        type(exc).__name__,
        exc.http_status,
        exc.code,
        exc.request_id,
        (exc.user_message or "")[:300],
    )
    if isinstance(exc, stripe.CardError):
        return PaymentFailed(exc.user_message or "Your card was declined.", retryable=False)
    if isinstance(exc, stripe.APIConnectionError):  # Stripe may have acted: its answer is replayed for the same key
        return PaymentFailed(UNREACHABLE, retryable=True, answer_lost=True)
    if isinstance(exc, stripe.IdempotencyError):  # the first request's answer is still owed: keep asking about it
        return PaymentFailed(SENT_BEFORE, retryable=False, answer_lost=True)
    if isinstance(exc, stripe.RateLimitError):
        return PaymentFailed(UNREACHABLE, retryable=True)
    if isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        return PaymentFailed(UNAVAILABLE, retryable=False)
    if (exc.http_status or 0) >= 500 or isinstance(exc, stripe.APIError):
        return PaymentFailed(SERVICE_TROUBLE, retryable=True)
    return PaymentFailed(REFUSED, retryable=False)


class StripeGateway:
    name = "stripe"

    def __init__(self, *, secret_key: str, webhook_secret: str, api_base: str = "", timeout: float = 20.0) -> None:
        bases: Any = {"api": api_base.rstrip("/"), "connect": api_base.rstrip("/")} if api_base else None
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses=bases,
            max_network_retries=1,
            http_client=LoopLocalHTTPXClient(timeout=timeout),
        )
        self._webhook_secret = webhook_secret
        self.test_money = "_live_" not in secret_key

    async def _call(self, action: str, request: Callable[[], Awaitable[T]]) -> T:
        try:
            return await request()
        except stripe.StripeError as exc:
            raise payment_failed(exc, action) from None

    @staticmethod
    def _once(idempotency_key: str) -> Any:
        return {"idempotency_key": idempotency_key}

    def _test_payment_method(self, test_card: str) -> str:
        if not self.test_money or not test_card:
            return ""
        if test_card.startswith("pm_"):
            return test_card
        digits = "".join(ch for ch in test_card if ch.isdigit())
        if digits not in TEST_PAYMENT_METHODS:
            raise PaymentFailed("Use the test card 4242 4242 4242 4242; no real card is charged here.")
        return TEST_PAYMENT_METHODS[digits]

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
        """A PaymentIntent for the browser to confirm with Stripe.js; with a test card (test keys) confirmed here."""
        params: Any = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "transfer_group": transfer_group,
            "metadata": metadata,
            "payment_method_types": ["card"],
        }
        method = self._test_payment_method(test_card)
        if method:
            params |= {"payment_method": method, "confirm": True}
        intent = await self._call(
            "start a payment",
            lambda: self._client.v1.payment_intents.create_async(params, options=self._once(idempotency_key)),
        )
        data = intent.to_dict()
        status = data.get("status")
        external_id, secret = str(data["id"]), str(data.get("client_secret") or "")
        if status == "succeeded":
            return PaymentStart(external_id, "succeeded", secret, charge_id=id_of(data.get("latest_charge")))
        error = data.get("last_payment_error") or {}
        if status == "canceled" or (method and status == "requires_payment_method"):
            message = str(error.get("message") or "The payment did not go through.")
            return PaymentStart(external_id, "failed", failure_message=message)
        return PaymentStart(external_id, "requires_action", secret)

    async def refund(self, *, payment_external_id: str, amount_minor: int, idempotency_key: str) -> GatewayResult:
        params: Any = {"payment_intent": payment_external_id, "amount": amount_minor}
        refund = await self._call(
            "refund a payment",
            lambda: self._client.v1.refunds.create_async(params, options=self._once(idempotency_key)),
        )
        return GatewayResult(refund.id, str(refund.to_dict().get("status") or "pending"))

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
        """Money to a connected account, from the charge that brought it in (it waits for that charge's funds)."""
        params: Any = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "destination": destination,
            "transfer_group": transfer_group,
            "metadata": metadata,
        }
        if source_charge_id:
            params["source_transaction"] = source_charge_id
        transfer = await self._call(
            "make a transfer",
            lambda: self._client.v1.transfers.create_async(params, options=self._once(idempotency_key)),
        )
        return GatewayResult(transfer.id, "succeeded")

    async def reverse_transfer(
        self, *, transfer_external_id: str, amount_minor: int, idempotency_key: str
    ) -> GatewayResult:
        params: Any = {"amount": amount_minor}
        reversal = await self._call(
            "reverse a transfer",
            lambda: self._client.v1.transfers.reversals.create_async(
                transfer_external_id, params, options=self._once(idempotency_key)
            ),
        )
        return GatewayResult(reversal.id, "succeeded")

    async def create_payout_account(self, *, email: str, idempotency_key: str) -> str:
        params: Any = {"type": "express", "email": email, "capabilities": {"transfers": {"requested": True}}}
        account = await self._call(
            "create a payout account",
            lambda: self._client.v1.accounts.create_async(params, options=self._once(idempotency_key)),
        )
        return str(account.id)

    async def onboarding_link(self, *, account_external_id: str, refresh_url: str, return_url: str) -> str:
        params: Any = {
            "account": account_external_id,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        }
        link = await self._call("link to onboarding", lambda: self._client.v1.account_links.create_async(params))
        return str(link.to_dict()["url"])

    async def payout_account_status(self, *, account_external_id: str) -> PayoutAccountStatus:
        account = await self._call(
            "read a payout account", lambda: self._client.v1.accounts.retrieve_async(account_external_id)
        )
        return account_status(account.to_dict())

    async def payment_status(self, *, external_id: str) -> tuple[str, int, int]:
        params: Any = {"expand": ["latest_charge"]}
        intent = await self._call(
            "read a payment", lambda: self._client.v1.payment_intents.retrieve_async(external_id, params)
        )
        data = intent.to_dict()
        return str(data.get("status") or ""), amount_received(data), amount_refunded(data)

    async def transfer_status(self, *, external_id: str) -> tuple[str, int, int]:
        transfer = await self._call("read a transfer", lambda: self._client.v1.transfers.retrieve_async(external_id))
        data = transfer.to_dict()
        sent, reversed_ = amount(data.get("amount")), amount(data.get("amount_reversed"))
        status = "reversed" if data.get("reversed") else "partially_reversed" if reversed_ else "paid"
        return status, sent, reversed_

    async def recent_payments(self, *, since: datetime, limit: int) -> list[GatewayPayment]:
        """PaymentIntents created since `since`, page after page, each with its latest charge (what was refunded)."""
        start = int(since.timestamp())
        params: Any = {"created": {"gte": start}, "limit": min(PAGE, limit), "expand": ["data.latest_charge"]}
        found = await self._call(
            "list payments", lambda: _first(limit, start, self._client.v1.payment_intents.list_async(params))
        )
        return [gateway_payment(intent) for intent in found]

    async def recent_transfers(self, *, since: datetime, limit: int) -> list[GatewayTransfer]:
        start = int(since.timestamp())
        params: Any = {"created": {"gte": start}, "limit": min(PAGE, limit)}
        found = await self._call(
            "list transfers", lambda: _first(limit, start, self._client.v1.transfers.list_async(params))
        )
        return [gateway_transfer(transfer) for transfer in found]

    def verify_webhook(self, *, payload: bytes, signature: str) -> GatewayEvent:
        """Check Stripe's signature (HMAC-SHA256 over "timestamp.body", five minutes' tolerance) before reading."""
        try:
            text = payload.decode("utf-8")
            stripe.WebhookSignature.verify_header(
                text, signature or None, self._webhook_secret, tolerance=stripe.Webhook.DEFAULT_TOLERANCE
            )
            body = json.loads(text)
        except (UnicodeDecodeError, stripe.SignatureVerificationError, ValueError) as exc:
            raise InvalidWebhook(str(exc)[:200]) from None
        if not isinstance(body, dict) or body.get("object") != "event" or not body.get("id") or not body.get("type"):
            raise InvalidWebhook("The body is not a Stripe event.")
        return to_gateway_event(body)


async def _first(limit: int, start: int, listing: Awaitable[Any]) -> list[dict[str, Any]]:
    """Up to `limit` objects of a Stripe list, following its pages, created at `start` (Unix seconds) or later; the
    list was asked for those alone, and this checks it again."""
    found: list[dict[str, Any]] = []
    page = await listing
    items: AsyncIterator[Any] = page.auto_paging_iter()
    async for item in items:
        data: dict[str, Any] = item.to_dict()
        if amount(data.get("created")) >= start:
            found.append(data)
        if len(found) >= limit:
            break
    return found


@lru_cache(maxsize=4)
def _gateway(secret_key: str, webhook_secret: str, api_base: str, timeout: float) -> StripeGateway:
    return StripeGateway(secret_key=secret_key, webhook_secret=webhook_secret, api_base=api_base, timeout=timeout)


def stripe_gateway(settings: Settings) -> StripeGateway:
    """One gateway (and connection pool) per distinct Stripe settings."""
    return _gateway(
        settings.stripe_secret_key, settings.stripe_webhook_secret, settings.stripe_api_base, settings.stripe_timeout
    )
