"""localstripe's stand-in Stripe.js, made to confirm a PaymentIntent with the typed card as Stripe.js does.

localstripe serves a stand-in Stripe.js at `/js.stripe.com/v3/` whose card Element is a row of plain inputs, but
its `confirmCardPayment` ignores the card. `STRIPE_JS_PATH` serves that script plus `localstripe_typed_card.js`,
which creates a PaymentMethod from the typed card and confirms with it, with the publishable key and the client
secret, as Stripe.js does. localstripe refuses publishable keys on both calls and a `payment_method` on confirm,
so this adds the confirmation route and lets publishable keys through on those two routes only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from aiohttp import web
from localstripe import server
from localstripe.errors import UserError
from localstripe.resources import PaymentIntent, PaymentMethod

from tests.support.localstripe_server import STRIPE_JS_PATH  # under /js.stripe.com/: localstripe asks no key there

STAND_IN = Path(server.__file__).with_name("localstripe-v3.js")
TYPED_CARD = Path(__file__).with_name("localstripe_typed_card.js")
# Stripe.js's own calls, made with the publishable key.
PUBLISHABLE_KEY_ROUTES = (
    re.compile(r"^/v1/payment_methods$"),
    re.compile(r"^/v1/payment_intents/\w+/_confirm_with_card$"),
)


async def stripe_js(_request: web.Request) -> web.Response:
    script = STAND_IN.read_text() + TYPED_CARD.read_text()
    return web.Response(text=script, content_type="application/javascript")


async def confirm_with_card(request: web.Request) -> web.Response:
    """Confirm a PaymentIntent with a PaymentMethod; the client secret proves the caller was handed it."""
    data = await server.get_post_data(request) or {}
    intent = PaymentIntent._api_retrieve(request.match_info["id"])
    if not isinstance(data, dict) or data.get("client_secret") != intent.client_secret:
        raise UserError(400, "The client_secret provided does not match the one of this PaymentIntent.")
    method = data.get("payment_method")
    if not (isinstance(method, str) and method.startswith("pm_")):
        raise UserError(400, "Bad request")
    PaymentMethod._api_retrieve(method)  # 404 when unknown
    if intent.status not in ("requires_payment_method", "requires_confirmation"):
        message = f"You cannot confirm this PaymentIntent because it has a status of {intent.status}."
        raise UserError(400, message, {"code": "payment_intent_unexpected_state"})
    intent.payment_method, intent.latest_charge = method, None
    intent._confirm(on_failure_now=intent._report_failure)  # a declined card raises Stripe's 402 card error
    return server.json_response(intent._export())


@web.middleware
async def publishable_key_auth(request: web.Request, handler: Any) -> web.StreamResponse:
    """Stripe.js's calls pass with the publishable key (`key` in the body); all else as localstripe decides."""
    if request.method == "POST" and any(route.match(request.path) for route in PUBLISHABLE_KEY_ROUTES):
        data = await server.get_post_data(request, remove_auth=False)
        key = data.get("key") if isinstance(data, dict) else None
        if isinstance(key, str) and key.startswith("pk_"):
            response: web.StreamResponse = await handler(request)
            return response
    answer: web.StreamResponse = await server.auth_middleware(request, handler)
    return answer


def add_typed_card_confirmation(app: web.Application) -> None:
    app.router.add_get(STRIPE_JS_PATH, stripe_js)
    app.router.add_post("/v1/payment_intents/{id}/_confirm_with_card", confirm_with_card)
    middlewares = app.middlewares
    middlewares[middlewares.index(server.auth_middleware)] = publishable_key_auth
