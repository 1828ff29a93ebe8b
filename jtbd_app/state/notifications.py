"""/notifications and /notifications/settings: the viewer's own inbox and preferences, resolved from the cookie."""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.messaging import notifications
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.boundary import PageNumber, RecordId
from jtbd_app.state.session import SessionState

CHANNELS = ("in_app", "email")


class NotificationsState(SessionState):
    loaded: bool = False
    refusal: str = ""
    items: list[notifications.NotificationItem] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    message: str = ""

    def _show(self, viewer: Viewer | None, page: object) -> None:
        with session_scope() as session:
            data = notifications.list_notifications(session, viewer=viewer, page=page)
        self.items, self.page, self.pages, self.total = data.items, data.page, data.pages, data.total
        self.unread_notifications = data.unread

    def _refuse(self, exc: DomainError) -> None:
        self.refusal, self.items, self.total, self.page, self.pages = exc.message, [], 0, 1, 1

    @rx.event
    def load_notifications(self) -> None:
        """Signed-in only: the first page of the viewer's own notifications."""
        viewer = self._refresh_viewer()
        self.refusal, self.message = "", ""
        try:
            self._show(viewer, 1)
        except DomainError as exc:
            self._refuse(exc)
        self.loaded = True

    @rx.event
    def show_page(self, page: PageNumber) -> None:
        """Signed-in only: another page of the viewer's own notifications (the service clamps the number)."""
        self.message = ""
        try:
            self._show(self._viewer(), page)
        except DomainError as exc:
            self._refuse(exc)

    @rx.event
    def mark_read(self, notification_id: RecordId) -> None:
        """Marks one of the viewer's own notifications read; the service refuses anyone else's."""
        viewer = self._viewer()
        try:
            with session_scope() as session:
                notifications.mark_read(session, viewer=viewer, notification_id=notification_id)
            self._show(viewer, self.page)
        except DomainError as exc:
            self.message = exc.message
            return
        self.message = "Marked as read."

    @rx.event
    def mark_all_read(self) -> None:
        """Marks every unread notification of the viewer read, and no one else's."""
        viewer = self._viewer()
        try:
            with session_scope() as session:
                changed = notifications.mark_all_read(session, viewer=viewer)
            self._show(viewer, self.page)
        except DomainError as exc:
            self.message = exc.message
            return
        self.message = f"{changed} notification(s) marked as read." if changed else "Nothing was unread."


class NotificationSettingsState(SessionState):
    loaded: bool = False
    refusal: str = ""
    choices: list[notifications.PreferenceChoice] = []
    mail_enabled: bool = False
    errors: dict[str, str] = {}
    message: str = ""

    @rx.event
    def load_notification_settings(self) -> None:
        """Signed-in only: the viewer's own choice for each kind of notification."""
        viewer = self._refresh_viewer()
        self.refusal, self.message, self.errors, self.choices = "", "", {}, []
        self.mail_enabled = get_settings().mail_enabled
        try:
            with session_scope() as session:
                self.choices = notifications.preferences(session, viewer=viewer)
        except DomainError as exc:
            self.refusal = exc.message
        self.loaded = True

    @rx.event
    def set_choice(self, kind: str, channel: Literal["in_app", "email"], on: bool) -> None:
        """Public: ticks a box in this browser's unsaved form; saving is what is checked."""
        if channel not in CHANNELS or not isinstance(on, bool):
            return
        self.message = ""
        self.choices = [
            notifications.PreferenceChoice(
                c.kind, c.label, on if channel == "in_app" else c.in_app, on if channel == "email" else c.email
            )
            if c.kind == kind
            else c
            for c in self.choices
        ]

    @rx.event
    def save_preferences(self) -> None:
        """Saves the form as the viewer's own preferences; the service validates every kind and value."""
        self.errors, self.message = {}, ""
        try:
            with session_scope() as session:
                self.choices = notifications.set_preferences(session, viewer=self._viewer(), choices=self._payload())
        except DomainError as exc:
            self.errors = field_errors(exc)
            return
        self.message = "Your notification preferences are saved."

    def _payload(self) -> dict[Any, Any]:
        """The form as the service expects it; whatever the browser put in `choices` is passed on to be refused."""
        payload: dict[Any, Any] = {}
        for c in self.choices:
            item: Any = c
            if isinstance(item, dict):
                payload[str(item.get("kind"))] = {"in_app": item.get("in_app"), "email": item.get("email")}
            else:
                payload[getattr(item, "kind", None)] = {
                    "in_app": getattr(item, "in_app", None),
                    "email": getattr(item, "email", None),
                }
        return payload
