"""/contracts/[id]: the workspace of one contract. Thin: each handler resolves the viewer from the cookie, takes the
contract id from the route, and calls one service, which decides whether this viewer may do it. A live page
(state/live): what the other party, the gateway or the scheduler does shows without a reload."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, NotRequired

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import read_or_write, session_scope
from jtbd_app.domain.errors import DomainError, NotFound, NotSignedIn, field_errors
from jtbd_app.domain.page_titles import page_title
from jtbd_app.services import live
from jtbd_app.services.contracts import cancellation, contract_view, deliveries, funding, lifecycle
from jtbd_app.services.contracts.delivery_files import IncomingFile
from jtbd_app.services.viewer import Viewer
from jtbd_app.state import card_payment, forms
from jtbd_app.state.boundary import route_arg
from jtbd_app.state.disputes import DisputeState
from jtbd_app.state.live import LivePage
from jtbd_app.state.reviews import ContractReviewState
from jtbd_app.state.session import SessionState

if TYPE_CHECKING:
    from sqlmodel import Session

UPLOAD_ID = "delivery_files"
RETURNED = "The escrow was already funded, so this payment is being refunded to you in full."
CONFIRM = "Confirm the payment with your card to fund the escrow."  # Stripe: the webhook funds the escrow
FUNDING_NOTICES = {"funded": card_payment.FUNDED, "returned": RETURNED}
Steps = AsyncIterator[EventSpec | None]  # a long handler's progress updates and its follow-up events


class FundForm(TypedDict):
    card: str  # the sandbox's test card number


class RevisionForm(TypedDict):
    reason: str
    # a micro-task's contract: the checklist position the delivery does not meet (null elsewhere: the select's ref is
    # compiled into the form but not rendered)
    criterion: NotRequired[str | None]


class _Uploads:
    """The delivery form's files, read into memory only when the service asks (once it checked who may deliver)."""

    def __init__(self, files: object) -> None:
        self.files: list[Any] = files if isinstance(files, list) else []
        self.read = False

    async def __call__(self, count: int, size: int) -> list[IncomingFile]:
        self.read = True
        return [IncomingFile(upload.filename or "file", await upload.read(size)) for upload in self.files[:count]]


class ContractState(LivePage, SessionState):
    detail: contract_view.ContractDetail = contract_view.ContractDetail()
    loaded: bool = False
    found: bool = False
    refusal: str = ""
    errors: dict[str, str] = {}
    notice: str = ""
    progress: str = ""  # "Processing payment…" while the gateway works
    is_stripe: bool = False
    stripe_publishable_key: str = ""  # public by design, like the Stripe.js URL; the secret key stays in settings
    stripe_js_url: str = ""
    form_key: int = 0  # bumped after a successful submit, so the forms start empty again
    _watching_funding: bool = False
    _live_topic: str = ""  # the contract loaded and for whom ("7 contract:42"), set on the server only

    @rx.var
    def route_contract_id(self) -> str:
        return route_arg(self.router.url.path)

    @rx.var
    def page_title(self) -> str:
        """The tab's title: the contract's listing and number, only once this viewer was shown that contract."""
        if self.found and self.route_contract_id == str(self.detail.id):
            return page_title(self.detail.listing_title, f"Contract #{self.detail.id}")
        return page_title("Contract not found" if self.loaded and not self.found else "Contract")

    def _reload(self, viewer: Viewer | None) -> None:
        read_or_write(lambda session: self._show_detail(session, viewer))

    def _show_detail(self, session: Session, viewer: Viewer | None) -> None:
        """The contract as this viewer may see it, from `session`: a read that may raise NeedsWrite
        (db.read_or_write)."""
        settings, gateway = get_settings(), bootstrap.gateway()
        self.is_stripe = gateway.name == "stripe"
        self.stripe_publishable_key = settings.stripe_publishable_key if self.is_stripe else ""
        self.stripe_js_url = settings.stripe_js_url if self.is_stripe else ""
        sandbox = gateway.name == "sandbox"  # the banner speaks of the sandbox; Stripe's test mode is not it
        try:
            self.detail = contract_view.contract_detail(
                session, viewer=viewer, contract_id=self.route_contract_id, test_money=sandbox
            )
            self.found, self.refusal = True, ""
            self._live_topic = f"{viewer.user_id if viewer else 0} {live.contract_topic(self.detail.id)}"
        except NotSignedIn as exc:
            self.found, self.refusal, self.detail = False, exc.message, contract_view.ContractDetail()
        except NotFound:
            self.found, self.refusal, self.detail = False, "", contract_view.ContractDetail()

    def _live_topics(self, viewer: Viewer) -> list[str]:
        topic = live.contract_topic(self.detail.id)
        shown = self.found and self.route_contract_id == str(self.detail.id)
        return [topic] if shown and self._live_topic == f"{viewer.user_id} {topic}" else []

    def _live_reload(self, viewer: Viewer) -> list[Any]:
        """The contract as it is now; once it is completed, the reviews panel too (the other party may have left one)."""
        self._reload(viewer)
        follow: list[Any] = [DisputeState.load_dispute] if self.found else []
        return (
            [*follow, ContractReviewState.load_review] if self.found and self.detail.status == "completed" else follow
        )

    def _done(self, viewer: Viewer | None, notice: str) -> None:
        self.errors, self.notice, self.form_key = {}, notice, self.form_key + 1
        self._reload(viewer)

    def _failed(self, exc: DomainError) -> None:
        self.errors, self.notice = field_errors(exc), ""

    def _finished(self, viewer: Viewer | None, notice: str) -> None:
        """A long action went through: the spinner stops and the page shows the contract as it is now."""
        self.progress = ""
        self._done(viewer, notice)

    def _refused(self, viewer: Viewer | None, exc: DomainError, *, reload: bool = True) -> None:
        """A long action was refused: the spinner stops and the message shows (on the page as it is now)."""
        self.progress = ""
        self._failed(exc)
        if reload:
            self._reload(viewer)

    def _act(self, action: Callable[[Any, Viewer | None], object], notice: str) -> bool:
        viewer = self._viewer()
        try:
            with session_scope() as session:
                action(session, viewer)
        except DomainError as exc:
            self._failed(exc)
            self._reload(viewer)
            return False
        self._done(viewer, notice)
        return True

    @rx.event
    async def load_contract(self) -> None:
        """Parties and admins only: the service answers NotFound to anyone else. The reviews and dispute panels open
        in the same event and read in the same session: one session check and one state round trip for the page."""
        self.loaded, self.errors, self.notice, self.progress, self._live_topic = False, {}, "", "", ""
        self._watch_live(live.contract_topic(self.route_contract_id))
        viewer = self._refresh_viewer()
        review, dispute = await self.get_state(ContractReviewState), await self.get_state(DisputeState)
        read_or_write(lambda session: self._open_page(session, viewer, review, dispute))
        self.loaded = True

    def _open_page(self, session: Session, viewer: Viewer | None, review: Any, dispute: Any) -> None:
        """The contract and its reviews and dispute panels, read in one session."""
        self._show_detail(session, viewer)
        review._open(viewer, session)
        dispute._open(viewer, session)

    @rx.event
    def accept_terms(self) -> None:
        """The viewer accepts the version they were shown; the service refuses non-parties and stale versions."""
        version = self.detail.document_version
        self._act(
            lambda s, v: lifecycle.accept_terms(s, viewer=v, contract_id=self.route_contract_id, version=version),
            "You accepted the contract.",
        )

    @rx.event
    async def fund(self, form: FundForm) -> AsyncIterator[None]:
        """The client pays into escrow (the sandbox takes a test card); progress shows while the gateway works."""
        card = forms.text(form, "card")
        self.errors, self.notice, self.progress = {}, "", "Processing payment…"
        yield
        viewer = self._viewer()
        outcome = await self._fund(viewer, test_card=card)
        if outcome is not None:
            self._finished(viewer, FUNDING_NOTICES.get(outcome.status, CONFIRM))

    @rx.event
    async def pay_with_card(self) -> Steps:
        """Stripe: the client's PaymentIntent is made here and confirmed by Stripe.js with the card Element. The
        client secret goes straight to that script (never into a var), and only after the service checked the
        caller is this contract's client."""
        self.errors, self.notice, self.progress = {}, "", card_payment.PROCESSING
        yield None
        viewer = self._viewer()
        outcome = await self._fund(viewer)
        if outcome is None:
            return
        if outcome.status in FUNDING_NOTICES:
            self._finished(viewer, FUNDING_NOTICES[outcome.status])
        else:
            yield card_payment.confirm_in_browser(outcome.client_secret, ContractState.card_payment_result)

    async def _fund(self, viewer: Viewer | None, *, test_card: str = "") -> funding.FundingOutcome | None:
        """The client's payment into escrow; None (and the message shown) when it was refused."""
        try:
            return await funding.fund_contract(
                session_factory=session_scope,
                gateway=bootstrap.gateway(),
                viewer=viewer,
                contract_id=self.route_contract_id,
                test_card=test_card,
            )
        except DomainError as exc:
            self._refused(viewer, exc)
            return None

    @rx.event
    def card_payment_result(self, result: object) -> EventSpec | None:
        """What Stripe.js answered in this browser, for display only: it funds nothing (Stripe's signed webhook
        does). Any browser can send anything here, so it re-reads the contract as the caller may see it."""
        message = card_payment.browser_error(result)
        self.errors, self.notice = {}, ""
        if not self._still_waiting():
            return None
        if message:
            self.progress, self.errors = "", {"card": message}
            return None
        self.progress = card_payment.WAITING
        return ContractState.watch_funding  # type: ignore[return-value]

    @rx.event(background=True)
    async def watch_funding(self) -> None:
        """Re-read the contract every two seconds, for about a minute, until Stripe's webhook has funded it.
        One watcher per page; it reads only what the caller may see and stops when the page moves on."""
        async with self:
            if self._watching_funding:
                return
            self._watching_funding, contract_id = True, self.route_contract_id
        try:
            await self._watch(contract_id)
        finally:
            async with self:
                self._watching_funding = False

    async def _watch(self, contract_id: str) -> None:
        """The watcher's loop: stops once the page moved on or the contract no longer waits; else says "not yet"."""
        for _ in range(card_payment.FUNDING_CHECKS):
            async with self:
                if self.route_contract_id != contract_id or not self._still_waiting():
                    return
            await asyncio.sleep(card_payment.FUNDING_CHECK_SECONDS)
        async with self:
            self.progress, self.notice = "", card_payment.NOT_YET

    def _still_waiting(self) -> bool:
        """Re-read the contract; once it no longer waits for funding, say so (funded) and stop the spinner."""
        self._reload(self._viewer())
        if self.found and self.detail.status == "awaiting_funding":
            return True
        self.progress = ""
        self.notice = card_payment.FUNDED if self.found and self.detail.status == "funded" else ""
        return False

    @rx.event
    async def submit_delivery(
        self, files: list[rx.UploadFile], message: str = "", links: str = "", reported_number: str | None = None
    ) -> Steps:
        """The contractor hands in work with files (uploaded with the form); the service checks it is theirs.
        `reported_number` is read only on a micro-task whose evidence is a number; the form has no such field
        elsewhere, and the upload then sends it as null."""
        self.errors, self.notice, self.progress = {}, "", "Sending your delivery…"
        yield None
        viewer = self._uploader()
        uploads = _Uploads(files)
        number = reported_number or ""
        if await self._deliver(viewer, uploads, message=message, links=links, reported_number=number):
            self._finished(viewer, "Delivered. The client has been told.")
            yield rx.clear_selected_files(UPLOAD_ID)

    async def _deliver(
        self, viewer: Viewer | None, uploads: _Uploads, *, message: object, links: object, reported_number: object
    ) -> bool:
        """The contractor's delivery; False (and the message shown) when it was refused."""
        try:
            await deliveries.deliver(
                session_factory=session_scope,
                viewer=viewer,
                contract_id=self.route_contract_id,
                message=message,
                links=links,
                read_files=uploads,
                reported_number=reported_number,
            )
        except DomainError as exc:  # a refusal before any upload was read leaves the page as it was
            self._refused(viewer, exc, reload=uploads.read)
            return False
        return True

    @rx.event
    async def approve(self) -> Steps:
        """The client approves the delivery: the escrow is released; the payout is sent now if it can be."""
        contract_id = self.route_contract_id
        self.progress = "Releasing the escrow…"
        yield None
        viewer = self._viewer()
        try:
            await deliveries.approve_and_pay_out(
                session_factory=session_scope, gateway=bootstrap.gateway(), viewer=viewer, contract_id=contract_id
            )
        except DomainError as exc:
            self._refused(viewer, exc)
            return
        self._finished(viewer, "Approved. The escrow was released to the contractor.")
        yield ContractReviewState.load_review  # type: ignore[misc]  # the review form opens now

    @rx.event
    def request_revision(self, form: RevisionForm) -> None:
        """The client asks for changes, with a reason (and, on a micro-task, the criterion not met); the service checks
        it is their contract and that the criterion is one of its own."""
        reason, criterion = forms.text(form, "reason"), forms.text(form, "criterion")
        self._act(
            lambda s, v: deliveries.request_revision(
                s, viewer=v, contract_id=self.route_contract_id, reason=reason, criterion=criterion
            ),
            "Revision requested. The contractor has been told.",
        )

    @rx.event
    def ask_cancel(self) -> None:
        """A party withdraws (unfunded) or asks the other to agree to cancel (funded)."""
        outcome: list[str] = []
        if self._act(
            lambda s, v: outcome.append(
                cancellation.request_cancellation(s, viewer=v, contract_id=self.route_contract_id)
            ),
            "",
        ):
            self.notice = (
                "You withdrew: the contract is cancelled and the other party has been told."
                if outcome == ["cancelled"]
                else "You asked to cancel. The other party has been told; the contract ends when they agree."
            )

    @rx.event
    def withdraw_cancel(self) -> None:
        """The party who asked to cancel takes it back."""
        self._act(
            lambda s, v: cancellation.withdraw_cancellation(s, viewer=v, contract_id=self.route_contract_id),
            "Your request to cancel was withdrawn.",
        )

    async def _refund(self, notice: str) -> AsyncIterator[None]:
        self.errors, self.notice, self.progress = {}, "", "Refunding the payment…"
        yield
        viewer = self._viewer()
        try:
            await cancellation.agree_cancellation(
                session_factory=session_scope,
                gateway=bootstrap.gateway(),
                viewer=viewer,
                contract_id=self.route_contract_id,
            )
        except DomainError as exc:
            self._refused(viewer, exc)
            return
        self._finished(viewer, notice)

    @rx.event
    async def agree_cancel(self) -> AsyncIterator[None]:
        """The other party agrees to cancel: the client's payment is refunded, then the contract ends."""
        async for _ in self._refund("Cancelled by agreement. The payment was refunded to the client."):
            yield

    @rx.event
    async def retry_refund(self) -> AsyncIterator[None]:
        """Either party retries a refund that did not finish."""
        async for _ in self._refund("The refund went through; the contract is cancelled."):
            yield
