"""Outside partners: the "Outside partners" tab of /providers (public scorecards; the URL holds the tab and the
filters) and /admin/partners (every partner; links, suspend, reinstate), which the services refuse to non-admins."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.models import Partner
from jtbd_app.services.delegate import partner_admin, partner_view
from jtbd_app.services.ports import PartnerAdapter
from jtbd_app.state.boundary import PageNumber, query_param, query_params
from jtbd_app.state.forms import field, fields
from jtbd_app.state.session import SessionState

PATH = "/providers"
ADMIN_PATH = "/admin/partners"
FILTERS = ("kind", "category", "rating")


class PartnerFilterForm(TypedDict, total=False):
    kind: str
    category: str
    rating: str


class PartnerLinksForm(TypedDict):
    key: str
    link_template: str
    affiliate_params: str


class PartnerReasonForm(TypedDict):
    key: str
    reason: str


def _adapters() -> Mapping[str, PartnerAdapter]:
    return bootstrap.partners(get_settings())


def partners_url(params: dict[str, str]) -> str:
    return f"{PATH}?{urlencode(params)}"


class PartnersState(SessionState):
    tab: str = "contractors"  # contractors | partners
    partners_loaded: bool = False
    cards: list[partner_view.PartnerCard] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    categories: list[str] = []
    values: dict[str, str] = dict.fromkeys(FILTERS, "")
    errors: dict[str, str] = {}
    filtered: bool = False
    form_key: int = 0
    previous_href: str = ""
    next_href: str = ""

    def _show(self, found: partner_view.PartnerBrowse) -> None:
        query = found.query
        self.cards, self.total, self.page, self.pages = found.cards, found.total, found.page, found.pages
        self.categories, self.errors, self.filtered = found.categories, found.errors, query.filtered
        self.previous_href = partners_url(query.on_page(query.page - 1).to_params()) if query.page > 1 else ""
        self.next_href = partners_url(query.on_page(query.page + 1).to_params()) if query.page < found.pages else ""
        self.partners_loaded = True

    def _browse(self, params: dict[str, str]) -> None:
        with session_scope() as session:
            found = partner_view.browse(session, params=params, adapters=_adapters())
        values = {name: params.get(name, "")[:100] for name in FILTERS}
        if values != self.values:  # remount the filter form only when its defaults change
            self.values, self.form_key = values, self.form_key + 1
        self._show(found)

    @rx.event
    def load_partners(self) -> None:
        """Public: which tab the URL asks for; on the partner tab, the active partners and their public scorecards.
        /providers opens it in its own page load (`ProvidersState.load_providers`)."""
        self._open()

    def _open(self) -> None:
        self.tab = "partners" if query_param(self, "tab", str, "") == "partners" else "contractors"
        if self.tab == "partners":
            self._browse(query_params(self))

    @rx.event
    def choose_tab(self, tab: Literal["contractors", "partners"]) -> EventSpec:
        """Public: shows the other tab and puts it in the URL."""
        self.tab = tab
        if tab == "partners":
            self._browse({})
        return rx.redirect(partners_url({"tab": "partners"}) if tab == "partners" else PATH)

    @rx.event
    def apply_partner_filters(self, form: PartnerFilterForm) -> EventSpec | None:
        """Public: filters public data (page 1) and writes the filters to the URL."""
        self._browse({name: str(field(form, name, ""))[:100] for name in FILTERS})
        if self.errors:
            return None
        return rx.redirect(partners_url({"tab": "partners", **{k: v for k, v in self.values.items() if v}}))


class AdminPartnersState(SessionState):
    loaded: bool = False
    refusal: str = ""
    rows: list[partner_admin.AdminPartnerRow] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    managing: str = ""  # the key of the partner whose dialog is open (this browser's view only)
    manage_open: bool = False
    managed: partner_admin.AdminPartnerRow = partner_admin.AdminPartnerRow()
    errors: dict[str, str] = {}
    message: str = ""
    form_key: int = 0

    def _reload(self, page: int) -> None:
        try:
            with session_scope() as session:
                found = partner_admin.admin_list(session, viewer=self._viewer(), adapters=_adapters(), page=page)
        except DomainError as exc:
            self.rows, self.refusal, self.manage_open = [], exc.message, False
        else:
            self.rows, self.page, self.pages, self.total, self.refusal = (
                found.rows,
                found.page,
                found.pages,
                found.total,
                "",
            )
        self.managed = next((r for r in self.rows if r.card.key == self.managing), partner_admin.AdminPartnerRow())
        self.loaded = True

    @rx.event
    def load_admin_partners(self) -> None:
        """Admin only: the service refuses anyone else; nothing is loaded for them."""
        self._refresh_viewer()
        self.rows, self.manage_open, self.message = [], False, ""
        self._reload(1)

    @rx.event
    def go_to_page(self, page: PageNumber) -> None:
        """Admin only: another page of partners (the service checks the role)."""
        self._reload(page)

    @rx.event
    def open_manage(self, key: str) -> None:
        """Public: opens the dialog for one partner in this browser only; every change is checked by the service."""
        self.managing, self.errors, self.message = key[:24], {}, ""
        self.managed = next((r for r in self.rows if r.card.key == self.managing), partner_admin.AdminPartnerRow())
        self.form_key += 1
        self.manage_open = True

    @rx.event
    def set_manage_open(self, value: bool) -> None:
        """Public: shows or hides the dialog in this browser only."""
        self.manage_open = bool(value)

    def _done(self, exc: DomainError | None, message: str) -> None:
        if exc is not None:
            self.errors, self.message = field_errors(exc), ""
            return
        self.errors, self.message = {}, message
        self.form_key += 1
        self._reload(self.page)

    @rx.event
    def save_links(self, form: PartnerLinksForm) -> None:
        """Admin only: the partner's link template and affiliate parameters, validated and audited by the service."""
        key, t, p = fields(form, "key", "link_template", "affiliate_params")
        viewer, a = self._viewer(), _adapters()
        try:
            with session_scope() as session:
                partner_admin.update_links(
                    session, viewer=viewer, key=key, link_template=t, affiliate_params=p, adapters=a
                )
        except DomainError as exc:
            return self._done(exc, "")
        self._done(None, "Links saved.")

    @rx.event
    def suspend_partner(self, form: PartnerReasonForm) -> None:
        """Admin only: suspends the partner with the reason given (audited)."""
        self._change_status(partner_admin.suspend, form, "is suspended and no longer offered.")

    @rx.event
    def reinstate_partner(self, form: PartnerReasonForm) -> None:
        """Admin only: reinstates the partner with the reason given (audited)."""
        self._change_status(partner_admin.reinstate, form, "is reinstated and offered again.")

    def _change_status(self, change: Callable[..., Partner], form: PartnerReasonForm, says: str) -> None:
        """One status change by the admin use case `change` (which checks the role), then the page says what it did."""
        try:
            with session_scope() as session:
                partner = change(
                    session,
                    viewer=self._viewer(),
                    key=field(form, "key"),
                    reason=field(form, "reason"),
                    adapters=_adapters(),
                )
                name = partner.name
        except DomainError as exc:
            return self._done(exc, "")
        self._done(None, f"{name} {says}")
