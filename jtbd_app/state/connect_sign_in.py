"""/connect-sign-in: the link mailed to an account's owner connects a provider identity to it, then signs in."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from jtbd_app.config import get_settings
from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.accounts import identity_links
from jtbd_app.services.accounts.identity import provider_by_slug
from jtbd_app.state.auth import go_complete
from jtbd_app.state.boundary import QueryText, query_param
from jtbd_app.state.session import SessionState


class ConnectSignInState(SessionState):
    loaded: bool = False
    provider_label: str = ""
    problem: str = ""

    @rx.event
    def load_connect(self) -> None:
        """Public: the one-time link in the address is the credential; this only names its provider."""
        with read_scope() as session:
            slug = identity_links.pending_link_provider(session, token=self._link_token())
        config = provider_by_slug(get_settings(), slug) if slug else None
        self.provider_label = config.label if config else slug
        self.problem = "" if slug else identity_links.BAD_LINK
        self.loaded = True

    @rx.event
    def confirm_connect(self) -> EventSpec | None:
        """Public: spends the mailed link, connects the identity, and signs this browser in."""
        try:
            with session_scope() as session:
                issued = identity_links.confirm_mailed_link(session, token=self._link_token())
        except DomainError as exc:
            self.problem = exc.message
            return None
        return go_complete(issued)

    def _link_token(self) -> str:
        return query_param(self, "token", QueryText, "")
