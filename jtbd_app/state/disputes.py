"""The dispute section of /contracts/[id]. Thin: each handler reads the viewer from the cookie and the contract from
the route, and calls one service (services/trust), which decides whether this viewer may do it. The contract page's
live reload (state/contracts) reloads this panel too, so the other party's steps show without a reload."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, NotRequired

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app import bootstrap
from jtbd_app.db import read_or_write, session_scope
from jtbd_app.domain.disputes import OUTCOMES, REASONS
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.contracts.delivery_files import IncomingFile
from jtbd_app.services.trust import dispute_settlements, dispute_view, disputes
from jtbd_app.services.viewer import Viewer
from jtbd_app.state import forms
from jtbd_app.state.boundary import route_arg
from jtbd_app.state.session import SessionState

if TYPE_CHECKING:
    from sqlmodel import Session

UPLOAD_ID = "dispute_files"
REASON_CHOICES = [[code, label] for code, label in REASONS.items()]
OUTCOME_CHOICES = [[code, label] for code, label in OUTCOMES.items()]


class OpenForm(TypedDict):
    reason_code: str
    reason_text: str
    outcome_wanted: str
    refund: NotRequired[str | None]  # shown only for a partial refund (null when not rendered)


class OfferForm(TypedDict):
    offer: str


class _Uploads:
    """The evidence form's files, read into memory only when the service asks (once it checked who may add)."""

    def __init__(self, files: object) -> None:
        self.files: list[Any] = files if isinstance(files, list) else []
        self.read = False

    async def __call__(self, count: int, size: int) -> list[IncomingFile]:
        self.read = True
        return [IncomingFile(upload.filename or "file", await upload.read(size)) for upload in self.files[:count]]


class DisputeState(SessionState):
    panel: dispute_view.DisputePanel = dispute_view.DisputePanel()
    loaded: bool = False
    errors: dict[str, str] = {}
    notice: str = ""
    busy: bool = False
    outcome: str = ""  # the open form's outcome select: the amount field shows for a partial refund
    form_key: int = 0

    @rx.var
    def route_contract_id(self) -> str:
        return route_arg(self.router.url.path)

    def _show(self, viewer: Viewer | None, session: Session | None = None) -> None:
        """The panel from `session` (a read that may raise NeedsWrite), or from a read of its own."""
        if session is None:
            read_or_write(lambda own: self._show(viewer, own))
            return
        try:
            self.panel = dispute_view.dispute_panel(session, viewer=viewer, contract_id=self.route_contract_id)
        except DomainError:
            self.panel = dispute_view.DisputePanel()

    def _act(self, action: Callable[[Any, Viewer | None], object], notice: str) -> None:
        viewer = self._viewer()
        try:
            with session_scope() as session:
                action(session, viewer)
        except DomainError as exc:
            self.errors, self.notice = field_errors(exc), ""
        else:
            self.errors, self.notice, self.form_key = {}, notice, self.form_key + 1
        self._show(viewer)

    @rx.event
    def load_dispute(self) -> None:
        """Parties and admins only: the service answers NotFound to anyone else (the panel stays empty)."""
        self._open(self._viewer())

    def _open(self, viewer: Viewer | None, session: Session | None = None) -> None:
        """The panel as the page opens (ContractState.load_contract opens it in the same event and session)."""
        self._show(viewer, session)
        self.loaded = True

    @rx.event
    def set_outcome(self, value: str) -> None:
        """Public: the chosen outcome in this browser only (shows the amount field); submitting is what is checked."""
        self.outcome = value if isinstance(value, str) and value in OUTCOMES else ""

    @rx.event
    def open_dispute(self, form: OpenForm) -> None:
        """A party opens a dispute; the service checks party, contract status and every field."""
        reason, text, outcome, refund = forms.fields(form, "reason_code", "reason_text", "outcome_wanted", "refund")
        self._act(
            lambda s, v: disputes.open_dispute(
                s,
                viewer=v,
                contract_id=self.route_contract_id,
                reason_code=reason,
                reason_text=text,
                outcome_wanted=outcome,
                refund_minor=refund or "",
            ),
            "Your dispute is open. The escrow is held; the other party has been told.",
        )

    @rx.event
    async def submit_entry(
        self, files: list[rx.UploadFile], body: str = "", links: str = ""
    ) -> AsyncIterator[EventSpec | None]:
        """The other party's answer, or either party's evidence, with uploaded files; the service decides which."""
        self.errors, self.notice, self.busy = {}, "", True
        yield None
        viewer = self._uploader()
        if await self._add_entry(viewer, _Uploads(files), body=body, links=links):
            yield rx.clear_selected_files(UPLOAD_ID)

    async def _add_entry(self, viewer: Viewer | None, uploads: _Uploads, *, body: object, links: object) -> bool:
        try:
            await disputes.add_entry(
                session_factory=session_scope,
                viewer=viewer,
                contract_id=self.route_contract_id,
                kind="auto",
                body=body if isinstance(body, str) else "",
                links=links if isinstance(links, str) else "",
                read_files=uploads,
            )
        except DomainError as exc:
            self.errors, self.busy = field_errors(exc), False
            self._show(viewer)
            return False
        self.busy, self.notice, self.form_key = False, "Added. The other party has been told.", self.form_key + 1
        self._show(viewer)
        return True

    @rx.event
    def ask_review(self) -> None:
        """Either party sends the case to an administrator once it was answered."""
        self._act(
            lambda s, v: disputes.ask_review(s, viewer=v, contract_id=self.route_contract_id),
            "An administrator will decide.",
        )

    @rx.event
    def offer_settlement(self, form: OfferForm) -> None:
        """A party offers what the contractor gets; the service checks the amount against the case."""
        amount = forms.text(form, "offer")
        self._act(
            lambda s, v: dispute_settlements.offer_settlement(
                s, viewer=v, contract_id=self.route_contract_id, contractor_amount=amount
            ),
            "Your offer was sent to the other party.",
        )

    @rx.event
    def withdraw_settlement(self) -> None:
        """A party withdraws their own offer."""
        self._act(
            lambda s, v: dispute_settlements.withdraw_settlement(s, viewer=v, contract_id=self.route_contract_id),
            "Your offer was withdrawn.",
        )

    @rx.event
    async def accept_settlement(self) -> AsyncIterator[None]:
        """The other party accepts the offer shown (its amount is checked against the case's): the money moves once."""
        self.errors, self.notice, self.busy = {}, "", True
        yield None
        viewer = self._viewer()
        try:
            await self._accept(viewer)
            self.notice = "Settled. The dispute is closed and the money has moved."
        except DomainError as exc:
            self.errors = field_errors(exc)
        self.busy = False
        self._show(viewer)

    async def _accept(self, viewer: Viewer | None) -> str:
        return await dispute_settlements.accept_settlement(
            session_factory=session_scope,
            gateway=bootstrap.gateway(),
            viewer=viewer,
            contract_id=self.route_contract_id,
            offered=self.panel.offer_minor,
        )
