"""The server-side guard every state handler uses to learn who is asking."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from jtbd_app import bootstrap
from jtbd_app.api import upload_sessions
from jtbd_app.api.http import SESSION_KEY_HEADER
from jtbd_app.config import get_settings
from jtbd_app.db import read_scope, session_scope, single_read
from jtbd_app.domain.errors import DomainError
from jtbd_app.services import live
from jtbd_app.services.accounts import email_verification, sign_in
from jtbd_app.services.messaging import session_view
from jtbd_app.services.viewer import Viewer, viewer_from_key
from jtbd_app.state.boundary import BoundaryMixin
from jtbd_app.state.changes import assign_changed
from jtbd_app.state.live import LiveMixin

# Whom the session guard (state/session_guard) found behind the tab's session key as this event began: the key and
# its member (None: nobody). Set for a foreground event only, which runs start to end in the guard's task while it
# holds the tab's lock; the handlers then read it instead of asking the database again. A background event, which
# may outlive a sign-out, finds nothing here and asks the database each time.
EVENT_VIEWER: ContextVar[tuple[str, Viewer | None] | None] = ContextVar("event_viewer", default=None)


def session_key_of(headers: Any) -> str | None:
    """The session key the request guard put in the websocket handshake's headers (never the cookie itself)."""
    return dict(headers.raw_headers).get(SESSION_KEY_HEADER) or None


def _post_sign_out() -> EventSpec:
    """Clear the cookie through the sign-out route, which takes only a same-origin POST (no cross-site sign-out)."""
    return rx.call_script(
        "(() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/api/auth/sign-out';"
        " document.body.appendChild(f); f.submit(); })()"
    )


class SessionState(LiveMixin, BoundaryMixin, rx.State):
    """What the browser shows about its own sign-in; the truth lives in the HttpOnly cookie. Its counts stay current
    through the live tick (state/live), which every page's layout starts."""

    signed_in: bool = False
    viewer_username: str = ""
    viewer_name: str = ""
    viewer_is_admin: bool = False
    viewer_suspended: bool = False
    viewer_suspended_reason: str = ""  # the member's own: the banner on every page says why
    needs_terms: bool = False
    session_checked: bool = False
    unread_notifications: int = 0
    flash: str = ""
    unread_messages: int = 0
    needs_email_verification: bool = False
    confirmation_note: str = ""
    viewer_photo: str = ""  # the small square of the member's photo, for the header; "" without one
    _identity: str = ""  # whom the states were filled for (see session_guard)

    def _session_key(self) -> str | None:
        return session_key_of(self.router.headers)

    def _viewer(self) -> Viewer | None:
        """Resolve the viewer from the session key on the server, on every call (a read: it may run inside a unit
        of work), or taken from this event's session guard, which resolved the same key as the event began. Upload
        handlers use `_uploader` instead."""
        key = self._session_key()
        resolved = EVENT_VIEWER.get()
        if resolved is not None and key is not None and resolved[0] == key:
            return resolved[1]
        with single_read() as session:
            return viewer_from_key(session, key)

    def _client_address(self) -> str:
        """The address the request guard resolved for this tab's websocket (peer, or a trusted proxy's word)."""
        return self.router.session.client_ip

    def _limit(self, policy: str, member: Viewer | str | None) -> None:
        """Count one action of a rate-limit policy (`domain/rate_limits`) for this member and address; RateLimited,
        a DomainError saying how long to wait, when over. Call it before the unit of work: a refusal changes nothing.
        """
        subject = str(member.user_id) if isinstance(member, Viewer) else member
        bootstrap.limiter(get_settings()).check(policy, member=subject, address=self._client_address())

    def _uploader(self) -> Viewer | None:
        """The member whose cookie the running upload request carried; nobody outside an upload request."""
        with read_scope() as session:
            return viewer_from_key(session, upload_sessions.uploading_key(self.router.session.client_token))

    def _refresh_viewer(self) -> Viewer | None:
        """Resolve the viewer and refresh what the page shows of their sign-in, in one read."""
        viewer = self._viewer()  # the guard's, in a foreground event: the summary does not look it up again
        with single_read() as session:
            summary = session_view.session_summary(session, key=None, viewer=viewer)
        if viewer is not None:  # what the live tick compares the bell's stamp with
            topic = live.user_topic(viewer.user_id)
            if self._live_seen.get(topic) != summary.live_version:
                self._live_seen = {**self._live_seen, topic: summary.live_version}
        assign_changed(  # on every page load: what did not change is not sent again
            self,
            needs_terms=summary.needs_terms,
            unread_notifications=summary.unread_notifications,
            unread_messages=summary.unread_messages,
            viewer_photo=summary.photo_url,
            signed_in=viewer is not None,
            viewer_username=viewer.username if viewer else "",
            viewer_name=viewer.display_name if viewer else "",
            viewer_is_admin=bool(viewer and viewer.is_admin),
            viewer_suspended=bool(viewer and viewer.status != "active"),
            viewer_suspended_reason=summary.suspended_reason,
            needs_email_verification=bool(viewer and not viewer.email_verified and get_settings().mail_enabled),
            session_checked=True,
        )
        return viewer

    @rx.event
    def resend_confirmation(self) -> None:
        """Mails a new confirmation link to the caller's own address (at most three an hour)."""
        settings = get_settings()
        try:
            with session_scope() as session:
                sent = email_verification.resend_confirmation(
                    session, viewer=self._viewer(), app_url=settings.app_url, mail_enabled=settings.mail_enabled
                )
        except DomainError as exc:
            self.confirmation_note = exc.message
            return
        self.confirmation_note = (
            "We sent a new link; check your inbox." if sent else "No new link was sent; try again later."
        )

    @rx.event
    def load_session(self) -> None:
        """Public: refreshes the viewer's own sign-in summary from the cookie."""
        self._refresh_viewer()

    @rx.event
    def sign_out(self) -> EventSpec:
        """Revoke this browser's session on the server, then clear its cookie by a full page load."""
        with session_scope() as session:
            sign_in.sign_out(session, key=self._session_key())
        return _post_sign_out()

    @rx.event
    def sign_out_everywhere(self) -> EventSpec | None:
        """Revoke every session of the viewer, then clear this browser's cookie."""
        try:
            with session_scope() as session:
                sign_in.sign_out_everywhere(session, viewer=self._viewer())
        except DomainError as exc:
            self.flash = exc.message
            return None
        return _post_sign_out()
