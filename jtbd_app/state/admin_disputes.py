"""/admin/disputes (the queue) and /admin/disputes/[id] (one case: its timeline, the AI summary, the decision).

Thin: each handler asks one service, which refuses everyone but administrators; nothing is loaded before it accepts.
The decision has a confirm step: "Review the decision" asks the service what it would do (nothing is stored), and
"Confirm the decision" makes it with the values the administrator reviewed; the service checks them all again.
"""

from __future__ import annotations

from collections.abc import Awaitable
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.domain.page_titles import page_title
from jtbd_app.services.trust import case_summary, case_timeline, decisions, dispute_queue
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.boundary import PageNumber, query_param, route_arg
from jtbd_app.state.forms import field
from jtbd_app.state.session import SessionState

PATH = "/admin/disputes"


class QueueFilterForm(TypedDict, total=False):
    sort: str
    status: str


class DecisionForm(TypedDict, total=False):
    outcome: str
    contractor_amount: str
    reason: str


def queue_url(sort: str, status: str, page: int = 1) -> str:
    params = {k: v for k, v in (("sort", sort if sort != "oldest" else ""), ("status", status)) if v}
    if page > 1:
        params["page"] = str(page)
    return f"{PATH}?{urlencode(params)}" if params else PATH


class AdminDisputesState(SessionState):
    loaded: bool = False
    refusal: str = ""
    rows: list[dispute_queue.QueueRow] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    sort: str = "oldest"
    status: str = ""
    previous_href: str = ""
    next_href: str = ""
    form_key: int = 0

    def _show(self, found: dispute_queue.DisputeQueue) -> None:
        if (found.sort, found.status) != (self.sort, self.status):
            self.form_key += 1  # the filter form shows the URL's choice
        self.rows, self.total, self.page, self.pages = found.rows, found.total, found.page, found.pages
        self.sort, self.status, self.refusal = found.sort, found.status, ""
        self.previous_href = queue_url(found.sort, found.status, found.page - 1) if found.page > 1 else ""
        self.next_href = queue_url(found.sort, found.status, found.page + 1) if found.page < found.pages else ""

    @rx.event
    def load_admin_disputes(self) -> None:
        """Admin only: the queue as the URL's sort, status and page say; the service refuses anyone else."""
        viewer, self.rows, self.total = self._refresh_viewer(), [], 0
        sort, status = query_param(self, "sort", str, "oldest"), query_param(self, "status", str, "")
        try:
            with session_scope() as session:
                page = query_param(self, "page", PageNumber, 1)
                self._show(dispute_queue.dispute_queue(session, viewer=viewer, sort=sort, status=status, page=page))
        except DomainError as exc:
            self.refusal = exc.message
        self.loaded = True

    @rx.event
    def apply_queue_filters(self, form: QueueFilterForm) -> EventSpec:
        """Public: writes the chosen sort and status to the URL; loading it is what the service checks."""
        sort = dispute_queue.clean_sort(field(form, "sort", ""))
        return rx.redirect(queue_url(sort, dispute_queue.clean_status(field(form, "status", ""))))


class AdminDisputeCaseState(SessionState):
    loaded: bool = False
    refusal: str = ""
    case: case_timeline.CaseFile = case_timeline.CaseFile()
    errors: dict[str, str] = {}
    message: str = ""
    working: str = ""  # "Deciding…" while the gateway is asked
    confirm_open: bool = False
    preview: decisions.DecisionPreview = decisions.DecisionPreview()
    form_key: int = 0
    has_model: bool = False
    summarising: bool = False
    summary_error: str = ""
    summary_client: str = ""
    summary_contractor: str = ""
    summary_facts: list[str] = []
    _pending: dict[str, str] = {}  # the decision being confirmed, as the administrator typed it (server only)

    @rx.var
    def route_case_id(self) -> str:
        return route_arg(self.router.url.path)

    @rx.var
    def page_title(self) -> str:
        """The tab's title: the case's subject, only once an administrator was shown the case."""
        if self.loaded and not self.refusal and self.route_case_id == str(self.case.contract_id):
            return page_title(f"Dispute: {self.case.title}")
        return page_title("Dispute")

    def _reload(self) -> None:
        try:
            with session_scope() as session:
                self.case = case_timeline.case_file(session, viewer=self._viewer(), contract_id=self.route_case_id)
        except DomainError as exc:
            self.case, self.refusal = case_timeline.CaseFile(), exc.message
        else:
            self.refusal = ""
        self.loaded = True

    def _forget_summary(self) -> None:
        self.summary_error, self.summary_client, self.summary_contractor, self.summary_facts = "", "", "", []

    @rx.event
    def load_case(self) -> None:
        """Admin only: the case file is read (and the read audited) only after the service accepts the viewer."""
        self._refresh_viewer()
        self.loaded, self.errors, self.message, self.confirm_open, self._pending = False, {}, "", False, {}
        self.has_model = bootstrap.dispute_summarizer(get_settings()) is not None
        self._forget_summary()
        self._reload()

    @rx.event
    def review_decision(self, form: DecisionForm) -> None:
        """Admin only: checks the decision as the service would make it and shows what each party gets; stores nothing."""
        pending = {name: str(field(form, name, ""))[:4000] for name in ("outcome", "contractor_amount", "reason")}
        try:
            with session_scope() as session:
                self.preview = decisions.preview_decision(
                    session, viewer=self._viewer(), contract_id=self.route_case_id, **_decision_args(pending)
                )
        except DomainError as exc:
            self.errors, self.message, self.confirm_open = field_errors(exc), "", False
            return
        self.errors, self._pending, self.confirm_open = {}, pending, True

    @rx.event
    def set_confirm_open(self, value: bool) -> None:
        """Public: shows or hides the confirm dialog in this browser; confirming is what the service checks."""
        self.confirm_open = bool(value)

    async def _money(self, work: Awaitable[str], working: str) -> None:
        """Run one money use case (the service checks the role), then show what it did and the case as it is now."""
        self.working = working
        try:
            said = await work
        except DomainError as exc:
            self.errors, self.message = field_errors(exc), ""
        else:
            self.errors, self.message, self._pending, self.form_key = {}, said, {}, self.form_key + 1
        self.working = ""
        self._reload()

    @rx.event
    async def confirm_decision(self) -> None:
        """Admin only: the reviewed decision, made once on the ledger (and by the gateway's refund)."""
        self.confirm_open = False
        work = decisions.decide_dispute(
            session_factory=session_scope,
            gateway=bootstrap.gateway(),
            viewer=self._viewer(),
            contract_id=self.route_case_id,
            **_decision_args(self._pending),
        )
        await self._money(work, "Deciding…")

    @rx.event
    async def retry_refund(self) -> None:
        """Admin only: finishes a decision whose refund failed, with the amounts it was made with."""
        work = decisions.retry_decision(
            session_factory=session_scope,
            gateway=bootstrap.gateway(),
            viewer=self._viewer(),
            contract_id=self.route_case_id,
        )
        await self._money(work, "Retrying the refund…")

    @rx.event(background=True)
    async def summarise(self) -> None:
        """Admin only: the neutral AI summary of both positions, asked with no transaction open; progress shown."""
        async with self:
            if self.summarising:
                return
            viewer, contract_id, self.summarising = self._viewer(), self.route_case_id, True
            self._forget_summary()
        try:
            await self._summarise(viewer, contract_id)
        finally:
            async with self:
                self.summarising = False

    async def _summarise(self, viewer: Viewer | None, contract_id: str) -> None:
        try:
            self._limit("model", viewer)
            summary = await case_summary.summarise_case(
                session_factory=session_scope,
                summarizer=bootstrap.dispute_summarizer(get_settings()),
                viewer=viewer,
                contract_id=contract_id,
            )
        except DomainError as exc:
            async with self:
                self.summary_error = field_errors(exc).get("summary") or exc.message
            return
        async with self:
            if self.route_case_id == contract_id:
                self.summary_client, self.summary_contractor = summary.client_position, summary.contractor_position
                self.summary_facts = list(summary.agreed_facts)


def _decision_args(pending: dict[str, str]) -> dict[str, str]:
    return {name: pending.get(name, "") for name in ("outcome", "contractor_amount", "reason")}
