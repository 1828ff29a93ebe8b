"""The first-run checklist and greeting on the dashboard: read from the member's own data by one service."""

from __future__ import annotations

import reflex as rx

from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.marketplace import onboarding
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.session import SessionState


class OnboardingState(SessionState):
    greeting: str = "Welcome"
    checklist: onboarding.Onboarding = onboarding.Onboarding()
    checklist_error: str = ""

    @rx.event
    def load_checklist(self) -> None:
        """Signed-in only: the caller's own checklist, derived from their data (a visitor gets an empty one). The
        dashboard's page load opens it itself (`DashboardState.load_dashboard`)."""
        self._read(self._viewer())

    @rx.event
    def dismiss_checklist(self) -> None:
        """Hides the caller's own checklist for good (stored on their profile)."""
        try:
            with session_scope() as session:
                onboarding.dismiss_checklist(session, viewer=self._viewer())
        except DomainError as exc:
            self.checklist_error = exc.message
            return
        self._read(self._viewer())

    def _read(self, viewer: Viewer | None) -> None:
        self.checklist_error = ""
        try:
            with read_scope() as session:
                self.checklist = onboarding.onboarding(session, viewer=viewer)
        except DomainError:
            self.checklist = onboarding.Onboarding()
        self.greeting = self.checklist.greeting
