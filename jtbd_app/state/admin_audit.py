"""/admin/audit: the audit log for administrators, filtered and paged from the URL
(`/admin/audit?action=money.&actor=system&subject=contract:3&from=2026-12-01&to=2026-12-05&page=2`). The service
refuses non-admins; a bad filter is shown by its field and the rest applies."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app.db import read_scope
from jtbd_app.domain import audit_query
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.trust import audit_view
from jtbd_app.state.boundary import query_params
from jtbd_app.state.forms import text
from jtbd_app.state.session import SessionState

AuditFilterForm = TypedDict(
    "AuditFilterForm", {"action": str, "actor": str, "subject": str, "from": str, "to": str}, total=False
)


class AdminAuditState(SessionState):
    loaded: bool = False
    refusal: str = ""
    rows: list[audit_view.AuditRow] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    values: dict[str, str] = {}  # the filters as applied, to fill the form
    errors: dict[str, str] = {}
    previous_href: str = ""
    next_href: str = ""
    filtered: bool = False

    def _show(self, params: dict[str, str]) -> None:
        query, self.errors = audit_query.parse(params)
        try:
            with read_scope() as session:
                found = audit_view.audit_page(session, viewer=self._viewer(), query=query)
        except DomainError as exc:
            self.refusal, self.rows, self.total, self.values = exc.message, [], 0, {}
            return
        self.refusal, self.rows, self.total = "", found.rows, found.total
        self.page, self.pages, self.filtered = found.page, found.pages, query.filtered
        shown = query.on_page(found.page)
        self.values = {name: shown.to_params().get(name, "") for name in audit_query.PARAM_NAMES}
        self.previous_href = shown.on_page(found.page - 1).url() if found.page > 1 else ""
        self.next_href = shown.on_page(found.page + 1).url() if found.page < found.pages else ""

    @rx.event
    def load_audit(self) -> None:
        """Admin only: entries are read after the service accepts the viewer."""
        self._refresh_viewer()
        self._show(query_params(self))
        self.loaded = True

    @rx.event
    def apply_audit_filters(self, form: AuditFilterForm) -> EventSpec | None:
        """Writes the filters to the URL (page 1), whose load reads the log as the caller may; bad filters are shown
        by their fields and nothing is read here."""
        params = {name: text(form, name)[:100] for name in ("action", "actor", "subject", "from", "to")}
        query, errors = audit_query.parse(params)
        if errors:
            self.errors = errors
            return None
        return rx.redirect(query.url())
