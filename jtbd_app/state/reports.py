"""The "Report" dialog on listings, profiles, reviews and messages: one per page, opened by each item's button;
the service decides whether the viewer may report that item."""

from __future__ import annotations

from typing import Literal

import reflex as rx
from typing_extensions import TypedDict

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.trust import reports
from jtbd_app.state.forms import field
from jtbd_app.state.session import SessionState

SubjectKind = Literal["listing", "profile", "review", "message"]


class ReportForm(TypedDict):
    report_reason: str
    report_details: str


class ReportState(SessionState):
    report_open: bool = False
    report_kind: str = ""
    report_subject: str = ""  # an id, or a username for a profile
    report_errors: dict[str, str] = {}
    report_sent: str = ""
    report_form_key: int = 0

    @rx.event
    def open_report(self, kind: SubjectKind, subject: str) -> None:
        """Public: opens the dialog in this browser only; sending is what is checked."""
        self.report_kind, self.report_subject = kind, subject[:60]
        self.report_errors, self.report_sent = {}, ""
        self.report_form_key += 1
        self.report_open = True

    @rx.event
    def set_report_open(self, value: bool) -> None:
        """Public: shows or hides the dialog in this browser only."""
        self.report_open = bool(value)

    @rx.event
    def send_report(self, form: ReportForm) -> None:
        """Files the viewer's report of the item the dialog was opened for; the service checks who and what."""
        kind, subject, viewer = self.report_kind, self.report_subject, self._viewer()
        try:
            with session_scope() as session:
                reports.file_report(session, viewer=viewer, kind=kind, subject=subject, **_answers(form))
        except DomainError as exc:
            self.report_errors, self.report_sent = _prefixed(field_errors(exc)), ""
            return
        self.report_errors = {}
        self.report_sent = "Thank you: your report was sent to the moderators."
        self.report_form_key += 1


def _answers(form: ReportForm) -> dict[str, object]:
    return {"reason": field(form, "report_reason", ""), "details": field(form, "report_details", "")}


def _prefixed(errors: dict[str, str]) -> dict[str, str]:
    """The service names its fields reason and details; the dialog's are prefixed (ids unique on any page)."""
    return {("form" if key == "form" else f"report_{key}"): message for key, message in errors.items()}
