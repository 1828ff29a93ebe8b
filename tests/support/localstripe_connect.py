"""localstripe with the Stripe Connect parts it lacks, run as its own process: `python -m
tests.support.localstripe_connect --port N --store PATH` (started by `tests/support/localstripe_server.py`).

localstripe (GPL-3, tests only) fakes customers, PaymentIntents, refunds and signed webhooks. This adds Express
accounts (with a test-only way to finish onboarding), account links, transfers and transfer reversals, each
emitting its event through localstripe's own signed webhook delivery; `Idempotency-Key` is honoured for those
creations and for PaymentIntents and refunds (localstripe itself ignores it: a request repeated after its answer was
lost would otherwise charge or refund twice, which Stripe never does). It also
brings a few behaviours closer to Stripe: PaymentIntents take `transfer_group` and report `amount_received`, the
decline test cards decline when charged (not only when attached), refunds emit `charge.refunded`, and the lists of
PaymentIntents and transfers take Stripe's `created` filter (gt, gte, lt, lte) and list the newest first. Its stand-in
Stripe.js confirms a payment with the typed card, as Stripe.js does (`localstripe_stripejs.py`).
"""

from __future__ import annotations

import argparse
import json
import pickle
import secrets
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from localstripe import resources, server, webhooks
from localstripe.errors import UserError
from localstripe.resources import Charge, Event, List, PaymentIntent, PaymentMethod, Refund, StripeObject
from localstripe.resources import try_convert_to_bool as to_bool
from localstripe.resources import try_convert_to_int as to_int

from tests.support.localstripe_stripejs import add_typed_card_confirmation

STORE_PATH = ""
DECLINED_WHEN_CHARGED = {"4000000000000002", "4000000000009995"}
_idempotent: dict[str, tuple[str, dict[str, Any]]] = {}  # Idempotency-Key -> (request fingerprint, response)
_onboarding: dict[str, tuple[str, str]] = {}  # link token -> (account id, return url)


class Account(StripeObject):
    object = "account"
    _id_prefix = "acct_"

    def __init__(self, type=None, email=None, country=None, capabilities=None, metadata=None, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs))
        if type not in ("express", "standard", "custom"):
            raise UserError(400, "Bad request")
        super().__init__()
        self.type = type
        self.email = email
        self.country = country or "US"
        self.default_currency = "usd"
        self.capabilities = {name: "inactive" for name in (capabilities or {})}
        self.charges_enabled = False
        self.payouts_enabled = False
        self.details_submitted = False
        self.metadata = metadata or {}

    def _set_status(self, charges_enabled: Any, payouts_enabled: Any, details_submitted: Any) -> None:
        self.charges_enabled = to_bool(charges_enabled) is True
        self.payouts_enabled = to_bool(payouts_enabled) is True
        self.details_submitted = to_bool(details_submitted) is True
        state = "active" if self.payouts_enabled else "inactive"
        self.capabilities = {name: state for name in self.capabilities or ["transfers"]}
        webhooks.schedule_webhook(Event("account.updated", self))


class Transfer(StripeObject):
    object = "transfer"
    _id_prefix = "tr_"

    def __init__(
        self,
        amount=None,
        currency=None,
        destination=None,
        transfer_group=None,
        source_transaction=None,
        metadata=None,
        description=None,
        **kwargs,
    ):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs))
        amount = to_int(amount)
        if not (isinstance(amount, int) and amount > 0 and isinstance(currency, str) and currency):
            raise UserError(400, "Bad request")
        if not isinstance(destination, str) or not destination.startswith("acct_"):
            raise UserError(400, "Bad request")
        account = Account._api_retrieve(destination)
        if account.capabilities.get("transfers") != "active":
            raise UserError(400, "Your destination account needs to have the transfers capability enabled.")
        if source_transaction is not None:
            charge = Charge._api_retrieve(source_transaction)
            if charge.status != "succeeded" or charge.currency != currency:
                raise UserError(400, "The source transaction cannot fund this transfer.")
            if amount > charge.amount - charge.amount_refunded:
                raise UserError(400, "The transfer amount exceeds the source transaction's amount.")
        super().__init__()
        self.amount = amount
        self.amount_reversed = 0
        self.currency = currency
        self.destination = destination
        self.transfer_group = transfer_group
        self.source_transaction = source_transaction
        self.description = description
        self.metadata = metadata or {}
        self.reversed = False
        webhooks.schedule_webhook(Event("transfer.created", self))

    @property
    def reversals(self) -> List:
        listing = List(f"/v1/transfers/{self.id}/reversals")
        listing._list = [r for key, r in resources.store.items() if key.startswith("transfer_reversal:")]
        listing._list = [r for r in listing._list if r.transfer == self.id]
        return listing

    @classmethod
    def _api_list_all(
        cls, url, transfer_group=None, destination=None, created=None, limit=None, starting_after=None, **kwargs
    ):
        listing = _newest_first(super()._api_list_all(url, limit=limit, starting_after=starting_after, **kwargs))
        listing._list = [
            t
            for t in listing._list
            if transfer_group in (None, t.transfer_group) and destination in (None, t.destination)
        ]
        return _created(listing, created)


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _created(listing: List, created: Any) -> List:
    """Stripe's `created` filter of a list: a time, or a dict of gt / gte / lt / lte bounds (Unix seconds)."""
    if created is None:
        return listing
    bounds = created if isinstance(created, dict) else {"eq": created}
    for op, value in bounds.items():
        at = to_int(value)
        if not isinstance(at, int) or op not in (*_COMPARE, "eq"):
            raise UserError(400, "Bad request")
        test = _COMPARE.get(op, lambda a, b: a == b)
        listing._list = [item for item in listing._list if test(item.created, at)]
    return listing


def _newest_first(listing: List) -> List:
    listing._list.reverse()  # the store keeps the order of creation: within one second, the newest first too
    listing._list.sort(key=lambda item: item.created, reverse=True)
    return listing


class TransferReversal(StripeObject):
    object = "transfer_reversal"
    _id_prefix = "trr_"

    def __init__(self, id=None, amount=None, metadata=None, **kwargs):  # id: the transfer's, from the path
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs))
        transfer = Transfer._api_retrieve(id)
        left = transfer.amount - transfer.amount_reversed
        amount = left if amount is None else to_int(amount)
        if not isinstance(amount, int) or amount <= 0 or amount > left:
            raise UserError(400, "The reversal amount exceeds what is left of the transfer.")
        super().__init__()
        self.transfer = transfer.id
        self.amount = amount
        self.currency = transfer.currency
        self.metadata = metadata or {}
        transfer.amount_reversed += amount
        transfer.reversed = transfer.amount_reversed == transfer.amount
        webhooks.schedule_webhook(Event("transfer.reversed", transfer))


def _fingerprint(request: web.Request, data: dict[str, Any]) -> str:
    return request.path + json.dumps(data, sort_keys=True, default=str)


def _idempotent_create(make: Callable[..., StripeObject | dict[str, Any]]) -> Callable[[web.Request], Any]:
    """A creation route that, like Stripe, answers a repeated Idempotency-Key with the first answer."""

    async def handle(request: web.Request) -> web.Response:
        data = dict(await server.get_post_data(request) or {})
        data.update(request.match_info)
        key = request.headers.get("Idempotency-Key", "")
        if key in _idempotent:
            fingerprint, answer = _idempotent[key]
            if fingerprint != _fingerprint(request, data):
                error = {"type": "idempotency_error", "message": "Keys for idempotent requests can only be used "
                         "with the same parameters they were first used with."}  # fmt: skip
                return server.json_response({"error": error}, status=400)
            return server.json_response(answer, headers={"Idempotent-Replayed": "true"})
        made = make(**data)
        answer = made if isinstance(made, dict) else made._export()
        if key:
            _idempotent[key] = (_fingerprint(request, data), answer)
        return server.json_response(answer)

    return handle


IDEMPOTENT_PATHS = ("/v1/payment_intents", "/v1/refunds")  # localstripe's own creations that move money


@web.middleware
async def replay_repeated_requests(request: web.Request, handler: Any) -> web.StreamResponse:
    """As Stripe: a creation repeated with the same Idempotency-Key gets the first answer and does nothing again; with
    other parameters it is refused."""
    key = request.headers.get("Idempotency-Key", "")
    if request.method != "POST" or not key or request.path not in IDEMPOTENT_PATHS:
        return await handler(request)
    fingerprint = request.path + (await request.read()).decode(errors="replace")
    if key in _idempotent:
        first, answer = _idempotent[key]
        if first != fingerprint:
            error = {"type": "idempotency_error", "message": "Keys for idempotent requests can only be used with "
                     "the same parameters they were first used with."}  # fmt: skip
            return server.json_response({"error": error}, status=400)
        return server.json_response(answer, headers={"Idempotent-Replayed": "true"})
    response = await handler(request)
    if response.status == 200 and isinstance(response, web.Response) and response.body is not None:
        _idempotent[key] = (fingerprint, json.loads(bytes(response.body)))  # type: ignore[arg-type]
    return response


def _account_link(account=None, refresh_url=None, return_url=None, type=None, **kwargs):
    if kwargs or type != "account_onboarding":
        raise UserError(400, "Bad request")
    if not all(isinstance(u, str) and u.startswith("http") for u in (refresh_url, return_url)):
        raise UserError(400, "Bad request")
    Account._api_retrieve(account)
    token = secrets.token_urlsafe(12)
    _onboarding[token] = (account, return_url)
    now = int(time.time())
    return {"object": "account_link", "created": now, "expires_at": now + 300, "url": f"/_config/onboarding/{token}"}


async def create_account_link(request: web.Request) -> web.Response:
    link = _account_link(**(await server.get_post_data(request) or {}))
    link["url"] = f"{request.scheme}://{request.host}{link['url']}"
    return server.json_response(link)


async def finish_onboarding(request: web.Request) -> web.Response:
    """Test-only: following an account link completes onboarding and returns to the platform, as Stripe's form does."""
    account_id, return_url = _onboarding.pop(request.match_info["token"], ("", ""))
    if not account_id:
        raise UserError(404, "This onboarding link has expired.")
    Account._api_retrieve(account_id)._set_status(True, True, True)
    raise web.HTTPFound(return_url)


async def set_account_status(request: web.Request) -> web.Response:
    """Test-only: set an account's charges_enabled / payouts_enabled / details_submitted; emits account.updated."""
    data = await server.get_post_data(request) or {}
    account = Account._api_retrieve(request.match_info["id"])
    account._set_status(data.get("charges_enabled"), data.get("payouts_enabled"), data.get("details_submitted"))
    return server.json_response(account._export())


async def reset(_request: web.Request) -> web.Response:
    """Forget everything: objects, registered webhooks and idempotency keys."""
    resources.store.clear()
    webhooks._webhooks.clear()
    _idempotent.clear()
    _onboarding.clear()
    return web.Response()


def _closer_to_stripe() -> None:
    original_intent_init = PaymentIntent.__init__

    def intent_init(self, *args, transfer_group=None, **kwargs):
        original_intent_init(self, *args, **kwargs)
        self.transfer_group = transfer_group

    PaymentIntent.__init__ = intent_init
    PaymentIntent.amount_received = property(lambda self: self.amount if self.status == "succeeded" else 0)

    original_declined = PaymentMethod._charging_is_declined
    PaymentMethod._charging_is_declined = lambda self: (
        original_declined(self) or getattr(self, "_card_number", "") in DECLINED_WHEN_CHARGED
    )
    original_canonical = PaymentMethod._try_get_canonical_test_article.__func__

    def canonical(cls, id):
        if id == "pm_card_visa_chargeDeclinedInsufficientFunds":
            card = {"number": "4000000000009995", "exp_month": "12", "exp_year": "2030", "cvc": "123"}
            return PaymentMethod(type="card", card=card)
        return original_canonical(cls, id)

    PaymentMethod._try_get_canonical_test_article = classmethod(canonical)

    original_refund_init = Refund.__init__

    def refund_init(self, *args, **kwargs):
        original_refund_init(self, *args, **kwargs)
        webhooks.schedule_webhook(Event("charge.refunded", Charge._api_retrieve(self.charge)))

    Refund.__init__ = refund_init

    def list_intents(cls, url, created=None, limit=None, starting_after=None, **kwargs):
        listing = StripeObject._api_list_all.__func__(cls, url, limit=limit, starting_after=starting_after, **kwargs)
        return _created(_newest_first(listing), created)

    PaymentIntent._api_list_all = classmethod(list_intents)


def _private_store(path: str) -> None:
    """localstripe pickles its store to a fixed file in /tmp on every write; this one writes to `path` instead."""

    def dump(store: resources.Store) -> None:
        with open(path, "wb") as f:
            pickle.dump(dict(store), f, protocol=pickle.HIGHEST_PROTOCOL)

    resources.Store.dump_to_disk = dump
    resources.Store.try_load_from_disk = lambda store: None


def build_app(store_path: str) -> web.Application:
    _private_store(store_path)
    _closer_to_stripe()
    router = server.app.router
    router.add_post("/v1/accounts", _idempotent_create(Account._api_create))
    router.add_get("/v1/accounts/{id}", server.api_retrieve(Account, "/v1/accounts/{id}"))
    router.add_post("/v1/accounts/{id}", server.api_update(Account, "/v1/accounts/{id}"))
    router.add_post("/v1/account_links", create_account_link)
    router.add_post("/v1/transfers", _idempotent_create(Transfer._api_create))
    router.add_get("/v1/transfers", server.api_list_all(Transfer, "/v1/transfers"))
    router.add_get("/v1/transfers/{id}", server.api_retrieve(Transfer, "/v1/transfers/{id}"))
    router.add_post("/v1/transfers/{id}/reversals", _idempotent_create(TransferReversal._api_create))
    router.add_post("/_config/accounts/{id}", set_account_status)
    router.add_get("/_config/onboarding/{token}", finish_onboarding)
    router.add_delete("/_config/everything", reset)
    add_typed_card_confirmation(server.app)
    server.app.middlewares.append(replay_repeated_requests)
    return server.app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--store", required=True)
    args = parser.parse_args()
    web.run_app(build_app(args.store), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
