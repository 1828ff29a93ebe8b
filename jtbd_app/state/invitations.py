"""The invite-to-bid dialog, on /providers and on profiles: the service decides who may invite whom to what."""

from __future__ import annotations

import reflex as rx
from typing_extensions import TypedDict

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.marketplace import invitations
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.forms import field
from jtbd_app.state.session import SessionState


class InviteForm(TypedDict):
    listing_id: str
    message: str


class InviteState(SessionState):
    invitable: list[dict[str, str]] = []  # the viewer's own open listings
    invitable_loaded: bool = False
    invite_open: bool = False
    invite_username: str = ""
    invite_name: str = ""
    invite_errors: dict[str, str] = {}
    invite_sent: str = ""
    invite_form_key: int = 0

    @rx.event
    def load_invitable(self) -> None:
        """Signed-in only: the viewer's own open listings, offered by the invite dialog. The pages that show the
        dialog (/providers, /u/[username]) open it in their own page load."""
        self._open(self._viewer())

    def _open(self, viewer: Viewer | None) -> None:
        self.invitable, self.invitable_loaded, self.invite_open = [], False, False
        try:
            with session_scope() as session:
                rows = invitations.invitable_listings(session, viewer=viewer)
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
    def send_invite(self, form: InviteForm) -> None:
        """Invites the chosen member to one of the viewer's open listings; the service checks who and what."""
        listing, message = field(form, "listing_id"), field(form, "message", "")
        viewer, username = self._viewer(), self.invite_username
        try:
            with session_scope() as session:
                invitations.invite(
                    session, viewer=viewer, listing_id=listing, contractor_username=username, message=message
                )
        except DomainError as exc:
            self.invite_errors, self.invite_sent = field_errors(exc), ""
            return
        self.invite_errors, self.invite_sent = {}, f"Invitation sent to {self.invite_name}."
        self.invite_form_key += 1
