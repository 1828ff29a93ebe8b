"""The current terms of service, and their acceptance by a signed-in user."""

from __future__ import annotations

import reflex as rx

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.accounts import terms
from jtbd_app.state.session import SessionState


class TermsState(SessionState):
    version: int = 0
    title: str = ""
    body_html: str = ""  # the current version's markdown as sanitized HTML (services: accounts.terms)
    published: str = ""
    summary: str = ""
    loaded: bool = False
    message: str = ""

    @rx.event
    def load_terms(self) -> None:
        """Public: the terms are public text."""
        self._refresh_viewer()
        with session_scope() as session:
            current = terms.current_terms(session)
            if current is not None:
                self.version, self.title, self.body_html = current.version, current.title, terms.body_html(current)
                self.summary = current.summary
                self.published = current.published_at.strftime("%Y-%m-%d")
        self.loaded = True

    @rx.event
    def accept_terms(self) -> None:
        """Records the viewer's acceptance of the version shown."""
        try:
            with session_scope() as session:
                terms.accept_terms(session, viewer=self._viewer(), version=self.version)
        except DomainError as exc:
            self.message = exc.message
            return
        self.needs_terms = False
        self.message = f"Thank you: you accepted version {self.version}."
