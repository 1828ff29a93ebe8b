"""/providers: the contractor directory. The URL holds the filters (shareable); inviting is checked by the service."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, ValidationFailed, field_errors
from jtbd_app.domain.provider_query import PARAM_NAMES
from jtbd_app.services import invitations, providers
from jtbd_app.state.session import SessionState

PATH = "/providers"
FORM_FIELDS = tuple(name for name in PARAM_NAMES if name not in ("sort", "page"))


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
    values: dict[str, str] = {}  # what the filter fields show (as typed, even when refused)
    sort: str = "match"
    errors: dict[str, str] = {}
    form_key: int = 0
    filtered: bool = False
    # The invite dialog: the viewer's own open listings, and the member being invited.
    invitable: list[dict[str, str]] = []
    invitable_loaded: bool = False
    invite_open: bool = False
    invite_username: str = ""
    invite_name: str = ""
    invite_errors: dict[str, str] = {}
    invite_sent: str = ""
    invite_form_key: int = 0
    _applied: dict[str, str] = {}

    def _search(self, query: providers.ProviderQuery) -> None:
        with session_scope() as session:
            result = providers.search_providers(session, query=query)
        params = query.to_params()
        self._applied = {k: v for k, v in params.items() if k != "page"}
        self.cards, self.total, self.page, self.pages = result.cards, result.total, result.page, result.pages
        self.sort = query.sort
        self.filtered = bool(self._applied.keys() - {"sort"})
        self.previous_href = providers_url(query.on_page(query.page - 1).to_params()) if result.has_previous else ""
        self.next_href = providers_url(query.on_page(query.page + 1).to_params()) if result.has_next else ""
        self.loaded = True

    @rx.event
    def load_providers(self) -> None:
        """Public: the directory is public; bad URL parameters are shown next to their fields and ignored."""
        self._refresh_viewer()
        raw = dict(self.router.url.query_parameters)
        query, self.errors = providers.ProviderQuery.parse(raw)
        self.values = {name: str(raw.get(name, ""))[:200] for name in FORM_FIELDS}
        self.form_key += 1
        self._search(query)

    @rx.event
    def apply_filters(self, form: dict[str, Any]) -> EventSpec | None:
        """Public: searches with the typed filters (page 1) and writes them to the URL."""
        form = form if isinstance(form, dict) else {}
        params = {name: form.get(name, "") for name in FORM_FIELDS}
        params["sort"] = self.sort
        try:
            query = providers.ProviderQuery.from_params(params)
        except ValidationFailed as exc:
            self.errors = field_errors(exc)
            return None
        self.errors = {}
        self._search(query)
        return rx.redirect(providers_url(query.to_params()))

    @rx.event
    def change_sort(self, value: str) -> EventSpec | None:
        """Public: the same filters in another order, from page 1."""
        try:
            query = providers.ProviderQuery.from_params({**self._applied, "sort": value})
        except ValidationFailed as exc:
            self.errors = {**self.errors, **field_errors(exc)}
            return None
        self.errors = {k: v for k, v in self.errors.items() if k != "sort"}
        self._search(query)
        return rx.redirect(providers_url(query.to_params()))

    @rx.event
    def load_invitable(self) -> None:
        """Signed-in only: the viewer's own open listings, offered by the invite dialog."""
        self.invitable, self.invitable_loaded = [], False
        try:
            with session_scope() as session:
                rows = invitations.invitable_listings(session, viewer=self._viewer())
        except DomainError:
            rows = []
        self.invitable = [{"id": str(listing_id), "title": title} for listing_id, title in rows]
        self.invitable_loaded = True

    @rx.event
    def open_invite(self, username: str, name: str) -> None:
        """Public: opens the dialog in this browser only; sending is what is checked."""
        if not isinstance(username, str) or not isinstance(name, str):
            return
        self.invite_username, self.invite_name = username[:60], name[:80]
        self.invite_errors, self.invite_sent = {}, ""
        self.invite_form_key += 1
        self.invite_open = True

    @rx.event
    def set_invite_open(self, value: bool) -> None:
        """Public: shows or hides the dialog in this browser only."""
        self.invite_open = bool(value)

    @rx.event
    def send_invite(self, form: dict[str, Any]) -> None:
        """Invites the chosen member to one of the viewer's open listings; the service checks who and what."""
        form = form if isinstance(form, dict) else {}
        self.invite_errors, self.invite_sent = {}, ""
        try:
            with session_scope() as session:
                invitations.invite(
                    session,
                    viewer=self._viewer(),
                    listing_id=form.get("listing_id"),
                    contractor_username=self.invite_username,
                    message=form.get("message", ""),
                )
        except DomainError as exc:
            self.invite_errors = field_errors(exc)
            return
        self.invite_sent = f"Invitation sent to {self.invite_name}."
        self.invite_form_key += 1
