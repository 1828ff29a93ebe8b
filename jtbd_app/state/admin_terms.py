"""/admin/terms: an administrator previews and publishes a new version of the terms, and reads the past versions with
how many members accepted each. Every handler goes through `services/trust/terms_admin`, which refuses non-admins."""

from __future__ import annotations

import reflex as rx
from typing_extensions import TypedDict

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.trust import terms_admin
from jtbd_app.state import forms
from jtbd_app.state.boundary import PageNumber, query_param
from jtbd_app.state.session import SessionState

PATH = "/admin/terms"


class TermsForm(TypedDict, total=False):
    title: str
    body: str
    summary: str


class AdminTermsState(SessionState):
    loaded: bool = False
    refusal: str = ""
    history: terms_admin.TermsHistory = terms_admin.TermsHistory()
    errors: dict[str, str] = {}
    message: str = ""
    previewing: bool = False  # the draft below passed the checks and is shown as it will read
    draft: terms_admin.TermsDraftView = terms_admin.TermsDraftView()
    form_key: int = 0

    @rx.var
    def previous_href(self) -> str:
        return f"{PATH}?page={self.history.page - 1}" if self.history.page > 1 else ""

    @rx.var
    def next_href(self) -> str:
        return f"{PATH}?page={self.history.page + 1}" if self.history.page < self.history.pages else ""

    def _show(self, page: int) -> None:
        try:
            with session_scope() as session:
                self.history = terms_admin.history(session, viewer=self._viewer(), page=page)
        except DomainError as exc:
            self.refusal, self.history = exc.message, terms_admin.TermsHistory()
            return
        self.refusal = ""

    @rx.event
    def load_admin_terms(self) -> None:
        """Admin only: the versions are loaded after the service accepts the viewer."""
        self._refresh_viewer()
        self.errors, self.message, self.previewing, self.draft = {}, "", False, terms_admin.TermsDraftView()
        self._show(query_param(self, "page", PageNumber, default=1))
        self.loaded = True

    @rx.event
    def preview_terms(self, form: TermsForm) -> None:
        """Admin only: the draft checked (no HTML) and shown as it will read; nothing is stored."""
        try:
            self.draft = terms_admin.preview(
                viewer=self._viewer(),
                title=forms.text(form, "title"),
                body=forms.text(form, "body"),
                summary=forms.text(form, "summary"),
            )
        except DomainError as exc:
            self.errors, self.previewing, self.message = field_errors(exc), False, ""
            return
        self.errors, self.previewing, self.message = {}, True, ""

    @rx.event
    def publish_terms(self) -> None:
        """Admin only: publishes the previewed draft (checked again by the service), tells every member, and records it
        in the audit log."""
        draft = self.draft
        try:
            with session_scope() as s:
                version = terms_admin.publish(
                    s, viewer=self._viewer(), title=draft.title, body=draft.body, summary=draft.summary
                )
        except DomainError as exc:
            self.errors, self.message = field_errors(exc), ""
            return
        self._published(version)

    def _published(self, version: int) -> None:
        self.errors, self.previewing, self.draft = {}, False, terms_admin.TermsDraftView()
        self.message = f"Version {version} is published. Members accept it before their next post, bid or payment."
        self.form_key += 1
        self._show(1)

    @rx.event
    def edit_draft(self) -> None:
        """Public: back to the form from the preview, in this browser only."""
        self.previewing = False
