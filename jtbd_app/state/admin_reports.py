"""/admin/reports: the moderation queue (open or closed reports, by kind, oldest first) and the appeals tab.
Every handler goes through a service that refuses anyone but an active administrator; nothing is loaded before."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx
from typing_extensions import TypedDict

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.trust import appeals, moderation
from jtbd_app.state.boundary import PageNumber, QueryText, query_param
from jtbd_app.state.forms import fields
from jtbd_app.state.session import SessionState

PATH = "/admin/reports"


class ModerateForm(TypedDict):
    kind: str
    subject_id: str
    action: str
    reason: str


class AppealAnswerForm(TypedDict):
    appeal_id: str
    decision: str
    answer: str


def reports_url(**params: str) -> str:
    kept = {k: v for k, v in params.items() if v}
    return f"{PATH}?{urlencode(kept)}" if kept else PATH


class AdminReportsState(SessionState):
    loaded: bool = False
    refusal: str = ""
    tab: str = "reports"  # reports | appeals
    status: str = "open"
    kind: str = ""
    queue: moderation.Queue = moderation.Queue()
    appeal_queue: appeals.AppealQueue = appeals.AppealQueue()
    errors: dict[str, str] = {}
    acting: str = ""  # "listing:12" or "appeal:3": the item whose form the errors belong to
    message: str = ""
    form_key: int = 0

    def _reload(self, page: int) -> None:
        try:
            with session_scope() as session:
                if self.tab == "appeals":
                    self.appeal_queue = appeals.open_appeals(session, viewer=self._viewer(), page=page)
                else:
                    self.queue = moderation.report_queue(
                        session, viewer=self._viewer(), status=self.status, kind=self.kind, page=page
                    )
        except DomainError as exc:
            self.queue, self.appeal_queue, self.refusal = moderation.Queue(), appeals.AppealQueue(), exc.message
        else:
            self.refusal = ""
        self.loaded = True

    @rx.event
    def load_admin_reports(self) -> None:
        """Admin only: the tab, status and kind come from the URL; the service refuses anyone else."""
        self._refresh_viewer()
        self.queue, self.appeal_queue, self.errors, self.message, self.acting = (
            moderation.Queue(),
            appeals.AppealQueue(),
            {},
            "",
            "",
        )
        self.tab = "appeals" if query_param(self, "tab", QueryText, "") == "appeals" else "reports"
        self.status = "closed" if query_param(self, "status", QueryText, "") == "closed" else "open"
        self.kind = query_param(self, "kind", QueryText, "")[:16]
        self._reload(1)

    @rx.event
    def go_to_page(self, page: PageNumber) -> None:
        """Admin only: another page of the current tab (the service checks the role)."""
        self._reload(page)

    def _done(self, key: str, exc: DomainError | None, message: str) -> None:
        self.acting = key
        if exc is not None:
            self.errors, self.message = field_errors(exc), ""
            return
        self.errors, self.message = {}, message
        self.form_key += 1
        self._reload(self.queue.page if self.tab == "reports" else self.appeal_queue.page)

    @rx.event
    def moderate(self, form: ModerateForm) -> None:
        """Admin only: hide, restore, dismiss, warn or suspend, with a reason; the service audits it."""
        kind, subject_id, action, reason = fields(form, "kind", "subject_id", "action", "reason")
        try:
            with session_scope() as session:
                said = moderation.moderate(
                    session, viewer=self._viewer(), kind=kind, subject_id=subject_id, action=action, reason=reason
                )
        except DomainError as exc:
            return self._done(f"{kind}:{subject_id}", exc, "")
        self._done(f"{kind}:{subject_id}", None, said)

    @rx.event
    def answer_appeal(self, form: AppealAnswerForm) -> None:
        """Admin only: grant (reinstates the member) or refuse an appeal, with an answer the member reads."""
        appeal_id, decision, answer = fields(form, "appeal_id", "decision", "answer")
        if decision not in ("grant", "refuse"):
            return self._done(f"appeal:{appeal_id}", DomainError("Choose to grant or refuse the appeal."), "")
        try:
            with session_scope() as session:
                appeals.answer_appeal(
                    session, viewer=self._viewer(), appeal_id=appeal_id, grant=decision == "grant", answer=answer
                )
        except DomainError as exc:
            return self._done(f"appeal:{appeal_id}", exc, "")
        self._done(
            f"appeal:{appeal_id}", None, "The appeal was granted." if decision == "grant" else "The appeal was refused."
        )
