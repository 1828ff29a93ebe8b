"""The small protocols services need from outside systems; adapters implement them, fakes stand in for tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol

from jtbd_app.domain.plans import Brief, Plan, PlanTask
from jtbd_app.domain.task_routing import Classification


@dataclass(frozen=True)
class ExternalIdentity:
    """Who an outside provider says signed in, in our words (never an SDK object)."""

    provider: str
    subject: str
    email: str = ""
    email_verified: bool = False
    name: str = ""
    preferred_username: str = ""


class FileStore(Protocol):
    """Where uploaded files lie (delivery and evidence files, profile photos), by key: "<token>" or
    "photos/<token>-64.jpg". A local folder by default, an S3-compatible bucket for several hosts. Keys are made by
    the services (`services/file_storage.valid_key`); a store refuses any other with ValueError."""

    @property
    def where(self) -> str:
        """Where the files are, for an operator's messages ("folder /srv/jtbd/private", "bucket s3://files/jtbd/")."""
        ...

    def save(self, key: str, content: bytes) -> None:
        """Stores the bytes under `key`, replacing what was there; readable by this app only."""
        ...

    def read(self, key: str) -> bytes | None:
        """The bytes stored under `key`; None when there are none."""
        ...

    def size(self, key: str) -> int | None:
        """How many bytes are stored under `key`; None when there are none."""
        ...

    def chunks(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes `start` to `end` (inclusive) of the file under `key`, in pieces read as they are taken, so that a
        download is never held whole in memory. The key is checked at the call; nothing for `end < start`."""
        ...

    def delete(self, key: str) -> None:
        """Nothing is stored under `key` afterwards (no error when nothing was)."""
        ...

    def keys(self) -> Iterator[str]:
        """Every key stored, in no set order (for backups)."""
        ...


class IdentityProvider(Protocol):
    """An OpenID Connect or OAuth 2 provider that signs a person in with the authorization-code flow.

    Both methods raise `ExternalSignInFailed` for every failure (refusal, bad token, network).
    """

    async def authorization_url(self, *, state: str, nonce: str, code_verifier: str, redirect_uri: str) -> str:
        """Where to send the browser to sign in; PKCE S256 from the verifier, nonce bound into the id_token."""
        ...

    async def complete(self, *, code: str, code_verifier: str, nonce: str, redirect_uri: str) -> ExternalIdentity:
        """Trade the code for tokens, check them, and say who signed in."""
        ...


class MailError(Exception):
    """A mail could not be handed to the server; `permanent` when retrying cannot help (address refused)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Mailer(Protocol):
    """Hands one plain-text mail to an outside mail server; raises `MailError` for every failure."""

    def send(self, to: str, subject: str, body: str) -> None: ...


class PaymentFailed(Exception):
    """The gateway refused or could not be reached; nothing was recorded. `message` is safe to show."""

    def __init__(self, message: str, *, retryable: bool = True, answer_lost: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        # The request may have reached the gateway and its answer never came back (a dropped connection, a timeout):
        # asked again under the same idempotency key, the gateway answers what it did the first time.
        self.answer_lost = answer_lost


class InvalidWebhook(Exception):
    """A webhook whose signature does not verify, or whose body is not an event."""


@dataclass(frozen=True)
class PaymentStart:
    """What the gateway said about a new payment (gateway-neutral; never an SDK object).

    `status`: "succeeded" (money is in; the sandbox), "requires_action" (the browser must confirm it with
    `client_secret`; the webhook says when it succeeds), or "failed" (with `failure_message`).
    """

    external_id: str
    status: str
    client_secret: str = ""
    charge_id: str = ""
    failure_message: str = ""


@dataclass(frozen=True)
class GatewayResult:
    """A refund, transfer or reversal the gateway made: its id and its status ("succeeded", "pending", ...)."""

    external_id: str
    status: str


@dataclass(frozen=True)
class PayoutAccountStatus:
    external_id: str
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool


@dataclass(frozen=True)
class GatewayEvent:
    """A verified webhook event, reduced to what our services need.

    `kind` is the gateway's event type (e.g. "payment_intent.succeeded"); `object_id` the id of the object it is
    about; `amount_minor`/`currency` where it carries money (for a refund and a reversal the running total so far,
    for a dispute its amount); `related_id` the PaymentIntent of a charge or a dispute; `metadata` the object's
    metadata (our contract id); `account` the connected-account status of an account.updated event; `status` a
    closed dispute's outcome (won | lost | warning_closed).
    """

    id: str
    kind: str
    object_id: str
    amount_minor: int = 0
    currency: str = ""
    related_id: str = ""
    charge_id: str = ""
    failure_message: str = ""
    metadata: dict[str, str] | None = None
    account: PayoutAccountStatus | None = None
    status: str = ""


@dataclass(frozen=True)
class GatewayPayment:
    """A payment as the gateway lists it, for reconciliation: `status` in the gateway's words ("succeeded",
    "processing", "requires_payment_method", "canceled", ...), what it took in and gave back so far, and the metadata
    it was made with (ours names `contract_id` and `payment_id`)."""

    external_id: str
    status: str
    amount_minor: int
    received_minor: int
    refunded_minor: int
    currency: str
    created: datetime
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayTransfer:
    """A transfer to a member's payout account as the gateway lists it: what it sent and took back so far, and its
    metadata (ours names `payout_id` and `contract_id`)."""

    external_id: str
    amount_minor: int
    reversed_minor: int
    currency: str
    destination: str
    created: datetime
    metadata: dict[str, str] = field(default_factory=dict)


class PaymentGateway(Protocol):
    """Where money comes in and goes out. Every method raises `PaymentFailed` for every failure.

    Idempotency keys name the business action ("fund:contract:42"); calling twice with one key does it once.
    """

    name: str  # "sandbox" | "stripe"
    test_money: bool  # the UI says "test money" plainly when True

    async def start_payment(
        self,
        *,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        transfer_group: str,
        metadata: dict[str, str],
        test_card: str = "",
    ) -> PaymentStart: ...

    async def refund(self, *, payment_external_id: str, amount_minor: int, idempotency_key: str) -> GatewayResult: ...

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
    ) -> GatewayResult: ...

    async def reverse_transfer(
        self, *, transfer_external_id: str, amount_minor: int, idempotency_key: str
    ) -> GatewayResult: ...

    async def create_payout_account(self, *, email: str, idempotency_key: str) -> str: ...

    async def onboarding_link(self, *, account_external_id: str, refresh_url: str, return_url: str) -> str: ...

    async def payout_account_status(self, *, account_external_id: str) -> PayoutAccountStatus: ...

    async def payment_status(self, *, external_id: str) -> tuple[str, int, int]:
        """(status, amount received, amount refunded) of a payment, for reconciliation."""
        ...

    async def transfer_status(self, *, external_id: str) -> tuple[str, int, int]:
        """(status "paid" | "partially_reversed" | "reversed", amount, amount reversed) of a transfer."""
        ...

    async def recent_payments(self, *, since: datetime, limit: int) -> list[GatewayPayment]:
        """The payments made at the gateway since `since`, whoever made them, at most `limit` of them (Stripe lists the
        newest first); a gateway that keeps no records of its own has none."""
        ...

    async def recent_transfers(self, *, since: datetime, limit: int) -> list[GatewayTransfer]:
        """The transfers made at the gateway since `since`, at most `limit` of them (as `recent_payments`)."""
        ...

    def verify_webhook(self, *, payload: bytes, signature: str) -> GatewayEvent:
        """Check the signature over the raw body first; raise `InvalidWebhook` when it does not verify."""
        ...


class DecomposerFailed(Exception):
    """A decomposer could not produce a plan (unreachable, timed out, refused, unusable output). `message` is safe
    to show; `retryable` when trying again later may help."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class Decomposer(Protocol):
    """Turns a problem into a draft plan (an OpenAI-compatible model; the offline playbooks need no port).

    `on_task` is called with each task as it is produced, before the plan is checked, so that a page can show them
    arriving. With `current` and `instruction`, it refines the current plan as the instruction says. The plan it
    returns may be broken (a wrong sum, a cycle); `domain.plans.repair` mends or refuses it. Raises
    `DecomposerFailed` for every failure.
    """

    name: str

    async def decompose(
        self,
        brief: Brief,
        *,
        instruction: str = "",
        current: list[PlanTask] | None = None,
        on_task: Callable[[PlanTask], Awaitable[None]] | None = None,
    ) -> Plan: ...


@dataclass(frozen=True)
class LinkResult:
    """What checking a delivered link found: `ok` for a final 2xx/3xx answer; `status` None when no HTTP answer came
    (refused address, timeout, no such host). `reason` is short and safe to show."""

    ok: bool
    status: int | None
    reason: str


class LinkChecker(Protocol):
    """Does a link a contractor delivered resolve? Never raises: every failure is a `LinkResult` saying why. It must
    never reach private, loopback or link-local addresses (the server would be probing our own network)."""

    async def check(self, url: str) -> LinkResult: ...


@dataclass(frozen=True)
class ReviewVerdict:
    """A reviewer's verdict on the criterion at `criterion_index` (0-based, in the order given)."""

    criterion_index: int
    outcome: Literal["passed", "failed", "unknown"]
    reason: str


class ReviewFailed(Exception):
    """The reviewer gave no usable verdicts (unreachable, timed out, refused, unreadable). `message` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DeliveryReviewer(Protocol):
    """An AI model's review of a delivery against each criterion, with its reason. Advice for the client, who
    decides; raises `ReviewFailed` for every failure."""

    name: str

    async def review(
        self, *, criteria: list[str], delivery_text: str, links: list[str], file_names: list[str]
    ) -> list[ReviewVerdict]: ...


# --- Tasks and the Delegate menu --------------------------------------------------------------------------------

TaskKind = Literal["product", "digital", "local", "problem"]
PartnerKind = Literal["product", "digital", "local"]


@dataclass(frozen=True)
class TaskBrief:
    """What a partner is told of a to-do item: never the member's name or anything else of theirs.

    `query` is the few words a search should use ("lightbulbs", "logo design bakery"); `items` the shopping list of a
    product task; `category` the classifier's category ("groceries", "furniture-assembly", "graphic-design").
    """

    title: str
    kind: TaskKind
    query: str
    category: str = ""
    notes: str = ""
    budget_minor: int | None = None
    currency: str = "USD"
    due_on: date | None = None
    location: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftPost:
    """A job post drafted for an outside pro, ready to copy: every field is plain text."""

    title: str
    description: str
    budget: str = ""
    timing: str = ""
    location: str = ""

    def as_text(self) -> str:
        lines = [self.title, "", self.description]
        lines += [
            f"{label}: {value}"
            for label, value in (("Budget", self.budget), ("Timing", self.timing), ("Location", self.location))
            if value
        ]
        return "\n".join(lines).strip()


@dataclass(frozen=True)
class Product:
    """A product a product partner's API found: `price_minor` None when the partner did not say."""

    title: str
    url: str
    price_minor: int | None = None
    currency: str = "USD"
    image_url: str = ""


@dataclass(frozen=True)
class CreatedPost:
    """A post created at a partner through its API: its id there and where the member can see it."""

    external_ref: str
    url: str


class PartnerFailed(Exception):
    """A partner's API refused, failed or did not answer in time. `message` is safe to show; the menu falls back to the
    deep link and says why. `unanswered`: the request went out and no answer came, so the partner may have acted."""

    def __init__(self, message: str, *, unanswered: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.unanswered = unanswered


class PartnerAdapter(Protocol):
    """One outside partner: product sources (Amazon, Instacart), digital pros (Fiverr, Upwork), local pros
    (TaskRabbit, Thumbtack, Angi). Adding one is one adapter module, one registry entry and one settings key.

    `draft` and `deep_link` are pure. `deep_link` fills `template` (the admin's, else `default_template`) with the
    brief's words escaped, and adds `affiliate_params` (a query string); it returns a URL on one of `hosts`.
    `search_products` (product partners) and `create_post` (partners with a posting API) are usable only when
    `api_enabled`; both raise `PartnerFailed` for every failure.
    """

    key: str
    name: str
    kind: PartnerKind
    categories: tuple[str, ...]
    hosts: tuple[str, ...]
    default_template: str
    default_affiliate_params: str
    api_enabled: bool

    def draft(self, brief: TaskBrief) -> DraftPost | None: ...

    def deep_link(self, brief: TaskBrief, *, template: str, affiliate_params: str) -> str: ...

    async def search_products(self, brief: TaskBrief) -> list[Product]: ...

    async def create_post(self, brief: TaskBrief, draft: DraftPost) -> CreatedPost: ...


class ClassifierFailed(Exception):
    """The model could not classify a task (unreachable, timed out, unreadable); the offline rules answer instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TaskClassifier(Protocol):
    """An OpenAI-compatible model's reading of a to-do item: its kind, category and search words
    (`domain.task_routing.Classification`). Raises `ClassifierFailed` for every failure."""

    name: str

    async def classify(self, title: str, notes: str = "") -> Classification: ...


# --- Disputes: the neutral summary an administrator may ask for -------------------------------------------------


@dataclass(frozen=True)
class DisputeSummary:
    """Each side's position in two or three sentences and the facts both agree on; never a recommendation."""

    client_position: str
    contractor_position: str
    agreed_facts: tuple[str, ...]


class SummaryFailed(Exception):
    """The model gave no usable summary (unreachable, timed out, refused, unreadable). `message` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DisputeSummarizer(Protocol):
    """An AI model's neutral reading of a dispute's case file (plain text, untrusted: the parties wrote it). Raises
    `SummaryFailed` for every failure."""

    name: str

    async def summarise(self, case_text: str) -> DisputeSummary: ...
