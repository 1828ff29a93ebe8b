"""POST /api/stripe/webhook: Stripe's signed events. Verified over the raw body first, then processed once.

Answers: 200 when processed (or seen before), 400 when the signature does not verify (nothing changes), 404 when
Stripe is not configured, 500 when processing failed (nothing was stored; Stripe retries).
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.services.contracts import webhooks
from jtbd_app.services.ports import GatewayEvent, InvalidWebhook

log = logging.getLogger(__name__)


def _process(gateway_name: str, event: GatewayEvent) -> str:
    with session_scope() as session:
        return webhooks.process_event(session, gateway_name=gateway_name, event=event)


async def receive(request: Request) -> Response:
    settings = get_settings()
    if not settings.stripe_enabled:
        return JSONResponse({"error": "Stripe is not configured"}, status_code=404)
    gateway = bootstrap.gateway()
    payload = await request.body()
    try:
        event = gateway.verify_webhook(payload=payload, signature=request.headers.get("stripe-signature", ""))
    except InvalidWebhook as exc:
        log.warning("Refused a Stripe webhook: %s", exc)
        return JSONResponse({"error": "invalid signature"}, status_code=400)
    try:
        outcome = await run_in_threadpool(_process, gateway.name, event)
    except Exception:
        log.exception("Stripe event %s (%s) failed; Stripe will retry it", event.id, event.kind)
        return JSONResponse({"error": "not processed"}, status_code=500)
    return JSONResponse({"received": event.id, "outcome": outcome})
