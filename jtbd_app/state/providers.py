"""/providers: the contractor directory. The URL holds the filters, so a search can be shared as a link."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import ValidationFailed, field_errors
from jtbd_app.domain.provider_query import PARAM_NAMES
from jtbd_app.services.marketplace import providers
from jtbd_app.state.boundary import query_params
from jtbd_app.state.forms import field
from jtbd_app.state.invitations import InviteState
from jtbd_app.state.partners import PartnersState
from jtbd_app.state.session import SessionState

PATH = "/providers"
FORM_FIELDS = tuple(name for name in PARAM_NAMES if name not in ("sort", "page"))


class ProviderFilterForm(TypedDict, total=False):
    q: str
    skills: str
    min_rating: str
    min_rate: str
    max_rate: str
    currency: str
    remote: str
    location: str
    min_completed: str


def providers_url(params: dict[str, str]) -> str:
    return f"{PATH}?{urlencode(params)}" if params else PATH


class ProvidersState(SessionState):
    loaded: bool = False
    cards: list[providers.ProviderCard] = []
    total: int = 0
    page: int = 1
    pages: int = 0
    previous_href: str = ""
    next_href: str = ""
    values: dict[str, str] = dict.fromkeys(FORM_FIELDS, "")  # what the filter fields show, even when refused
    sort: str = "match"
    errors: dict[str, str] = {}
    form_key: int = 0
    filtered: bool = False
    _applied: dict[str, str] = {}

    def _show(self, found: providers.ProviderSearch) -> None:
        query, result = found.query, found.result
        self._applied = {k: v for k, v in query.to_params().items() if k != "page"}
        self.cards, self.total, self.page, self.pages = result.cards, result.total, result.page, result.pages
        self.sort = query.sort
        self.filtered = bool(self._applied.keys() - {"sort"})
        self.previous_href = providers_url(query.on_page(query.page - 1).to_params()) if result.has_previous else ""
        self.next_href = providers_url(query.on_page(query.page + 1).to_params()) if result.has_next else ""
        self.loaded = True

    @rx.event
    async def load_providers(self) -> None:
        """Public: the directory is public; bad URL parameters are shown next to their fields and ignored. The
        partner tab and the invite dialog open in the same event: one session check and one state round trip for
        the page instead of three."""
        viewer = self._refresh_viewer()
        self._load_directory()
        (await self.get_state(PartnersState))._open()
        (await self.get_state(InviteState))._open(viewer)

    def _load_directory(self) -> None:
        raw = query_params(self)
        with session_scope() as session:
            found = providers.search_from_url(session, params=raw)
        self.errors = found.errors
        values = {name: str(raw.get(name, ""))[:200] for name in FORM_FIELDS}
        if values != self.values:  # remount the filter form only when its defaults change (keeps typing)
            self.values = values
            self.form_key += 1
        self._show(found)

    @rx.event
    def apply_filters(self, form: ProviderFilterForm) -> EventSpec | None:
        """Public: searches with the typed filters (page 1) and writes them to the URL."""
        params = {**{name: field(form, name, "") for name in FORM_FIELDS}, "sort": self.sort}
        try:
            with session_scope() as session:
                found = providers.search_from_form(session, params=params)
        except ValidationFailed as exc:
            self.errors = field_errors(exc)
            return None
        self.errors = {}
        self._show(found)
        return rx.redirect(providers_url(found.query.to_params()))

    @rx.event
    def change_sort(self, value: str) -> EventSpec | None:
        """Public: the same filters in another order, from page 1."""
        try:
            with session_scope() as session:
                found = providers.search_from_form(session, params={**self._applied, "sort": value})
        except ValidationFailed as exc:
            self.errors = {**self.errors, **field_errors(exc)}
            return None
        self.errors = {k: v for k, v in self.errors.items() if k != "sort"}
        self._show(found)
        return rx.redirect(providers_url(found.query.to_params()))
