"""/ for a signed-in member: their own listings, drafts, bids and contracts (never anyone else's)."""

from __future__ import annotations

from typing import Literal

import reflex as rx

from jtbd_app.db import session_scope
from jtbd_app.services.marketplace import dashboard_view
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.boundary import PageNumber
from jtbd_app.state.onboarding import OnboardingState
from jtbd_app.state.session import SessionState

SECTIONS = ("listings", "drafts", "bids")


class DashboardState(SessionState):
    board: dashboard_view.Dashboard = dashboard_view.Dashboard()
    board_loaded: bool = False

    @rx.event
    async def load_dashboard(self) -> None:
        """Shows the caller's own dashboard, resolved from the cookie; visitors get the landing page. The first-run
        checklist opens in the same event: one session check and one state round trip for the page, not two."""
        self.board_loaded = False
        viewer = self._refresh_viewer()
        self._load(viewer, {})
        self.board_loaded = True
        (await self.get_state(OnboardingState))._read(viewer)

    @rx.event
    def turn_page(self, section: Literal["listings", "drafts", "bids"], page: PageNumber) -> None:
        """Pages through one of the caller's own lists."""
        if section in SECTIONS and isinstance(page, int):
            pages = {f"{name}_page": getattr(self.board, f"{name}_page").page for name in SECTIONS}
            pages[f"{section}_page"] = page
            self._load(self._viewer(), pages)

    def _load(self, viewer: Viewer | None, pages: dict[str, int]) -> None:
        if viewer is None:
            self.board = dashboard_view.Dashboard()
            return
        with session_scope() as session:
            self.board = dashboard_view.dashboard(session, viewer=viewer, **pages)
