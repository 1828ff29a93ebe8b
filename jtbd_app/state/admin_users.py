"""/admin/users (find members; the search and page live in the URL) and /admin/users/[id] (a member's record, and
suspend, reinstate, warn, promote or demote them with a reason). The services refuse anyone but an active
administrator, and nothing about a member is loaded before they accept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.domain.page_titles import member_subject, page_title
from jtbd_app.services.trust import member_record_view as record_view
from jtbd_app.services.trust import standing, user_admin
from jtbd_app.state.boundary import query_params, route_arg
from jtbd_app.state.forms import field
from jtbd_app.state.session import SessionState

PATH = "/admin/users"
FILTERS = ("q", "role", "status")
Action = Literal["suspend", "reinstate", "warn", "promote", "demote"]
DONE = {
    "suspend": "Suspended. The member sees the reason and can change nothing until reinstated.",
    "reinstate": "Reinstated. The member can act again.",
    "warn": "Warning given. The member sees it with their strikes.",
    "promote": "Promoted: the member is now an administrator.",
    "demote": "Demoted: the member is no longer an administrator.",
}


class MemberSearchForm(TypedDict, total=False):
    q: str
    role: str
    status: str


class ReasonForm(TypedDict):
    reason: str


def users_url(params: dict[str, str]) -> str:
    return f"{PATH}?{urlencode(params)}" if params else PATH


class AdminUsersState(SessionState):
    loaded: bool = False
    refusal: str = ""
    rows: list[user_admin.MemberRow] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    values: dict[str, str] = dict.fromkeys(FILTERS, "")
    errors: dict[str, str] = {}
    filtered: bool = False
    form_key: int = 0
    previous_href: str = ""
    next_href: str = ""

    def _search(self, params: dict[str, str]) -> bool:
        """One search for the viewer (the service checks the role); False when it was refused."""
        try:
            with read_scope() as session:
                found = user_admin.search_members(session, viewer=self._viewer(), params=params)
        except DomainError as exc:
            self.rows, self.total, self.refusal = [], 0, exc.message
            return False
        query = found.query
        values = {"q": query.q, "role": query.role, "status": query.status}
        if values != self.values:  # remount the form only when its defaults change
            self.values, self.form_key = values, self.form_key + 1
        self.rows, self.total, self.page, self.pages = found.rows, found.total, query.page, found.pages
        self.errors, self.refusal, self.filtered = found.errors, "", any(values.values())
        self.previous_href = users_url(query.to_params(query.page - 1)) if query.page > 1 else ""
        self.next_href = users_url(query.to_params(query.page + 1)) if query.page < found.pages else ""
        return True

    @rx.event
    def load_admin_users(self) -> None:
        """Admin only: the members the URL's search asks for; the service refuses anyone else."""
        self._refresh_viewer()
        self.loaded, self.rows = False, []
        self._search(query_params(self))
        self.loaded = True

    @rx.event
    def search_members(self, form: MemberSearchForm) -> EventSpec | None:
        """Admin only: searches (page 1) and writes the search to the URL; a bad field gets its message."""
        params = {name: str(field(form, name, ""))[:200] for name in FILTERS}
        if not self._search(params) or self.errors:
            return None
        return rx.redirect(users_url({k: v for k, v in self.values.items() if v}))


class MemberRecordState(SessionState):
    loaded: bool = False
    refusal: str = ""
    member: record_view.MemberSummary = record_view.MemberSummary()
    contracts: list[record_view.ContractLine] = []
    contract_total: int = 0
    disputes: list[record_view.DisputeLine] = []
    reports_by: list[record_view.ReportLine] = []
    reports_about: list[record_view.ReportLine] = []
    strikes: list[record_view.StrikeLine] = []
    appeals: list[record_view.AppealLine] = []
    audit: list[record_view.AuditLine] = []
    audit_total: int = 0
    confirming: str = ""  # the action whose confirm step is open (this browser's view only)
    errors: dict[str, str] = {}
    message: str = ""
    form_key: int = 0

    @rx.var
    def route_member_id(self) -> str:
        return route_arg(self.router.url.path)

    @rx.var
    def page_title(self) -> str:
        """The tab's title: whose record, only once an administrator was shown it."""
        if self.loaded and not self.refusal and self.route_member_id == str(self.member.id):
            return page_title(member_subject(self.member.display_name, self.member.username), "Member record")
        return page_title("Member record")

    def _show(self, record: record_view.MemberRecord) -> None:
        self.member, self.contracts, self.contract_total = record.member, record.contracts, record.contract_total
        self.disputes, self.reports_by, self.reports_about = record.disputes, record.reports_by, record.reports_about
        self.strikes, self.appeals = record.strikes, record.appeals
        self.audit, self.audit_total, self.refusal = record.audit, record.audit_total, ""

    def _clear(self, refusal: str) -> None:
        self._show(record_view.MemberRecord(member=record_view.MemberSummary()))
        self.refusal, self.confirming = refusal, ""

    def _reload(self) -> None:
        try:
            with read_scope() as session:
                record = record_view.member_record(session, viewer=self._viewer(), user_id=self.route_member_id)
        except DomainError as exc:
            self._clear(exc.message)
        else:
            self._show(record)

    @rx.event
    def load_member_record(self) -> None:
        """Admin only: the member's record, read after the service accepts the viewer."""
        self._refresh_viewer()
        self.loaded, self.confirming, self.errors, self.message = False, "", {}, ""
        self._clear("")
        self._reload()
        self.loaded = True

    @rx.event
    def start_action(self, action: Action) -> None:
        """Public: opens one action's confirm step in this browser; the action itself is checked by the service."""
        self.confirming, self.errors, self.message = action, {}, ""
        self.form_key += 1

    @rx.event
    def cancel_action(self) -> None:
        """Public: closes the confirm step in this browser."""
        self.confirming, self.errors = "", {}

    def _act(self, action: Action, run: Callable[..., Any], form: ReasonForm) -> None:
        """One service call for the viewer with the reason given; then the record as it is now."""
        try:
            with session_scope() as session:
                run(session, viewer=self._viewer(), user_id=self.route_member_id, reason=field(form, "reason"))
        except DomainError as exc:
            self.errors, self.message = field_errors(exc), ""
            return
        self.confirming, self.errors, self.message = "", {}, DONE[action]
        self._reload()

    @rx.event
    def suspend_member(self, form: ReasonForm) -> None:
        """Admin only: suspends the member with the reason they will read (standing.suspend_member)."""
        self._act("suspend", standing.suspend_member, form)

    @rx.event
    def reinstate_member(self, form: ReasonForm) -> None:
        """Admin only: lifts the member's suspension (standing.reinstate_member)."""
        self._act("reinstate", standing.reinstate_member, form)

    @rx.event
    def warn_member(self, form: ReasonForm) -> None:
        """Admin only: a warning the member reads (standing.warn_member)."""
        self._act("warn", standing.warn_member, form)

    @rx.event
    def promote_member(self, form: ReasonForm) -> None:
        """Admin only: makes the member an administrator (audited)."""
        self._act("promote", user_admin.promote_member, form)

    @rx.event
    def demote_admin(self, form: ReasonForm) -> None:
        """Admin only: takes the administrator role back, never from the last active administrator."""
        self._act("demote", user_admin.demote_admin, form)
