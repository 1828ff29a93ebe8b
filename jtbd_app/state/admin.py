"""/admin: the admin home. The service refuses non-admins; the page only shows the refusal."""

from __future__ import annotations

from dataclasses import asdict

import reflex as rx

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.trust import overview
from jtbd_app.state.session import SessionState


class AdminState(SessionState):
    loaded: bool = False
    refusal: str = ""
    counts: dict[str, int] = {}
    newest: list[dict[str, str]] = []
    signups: list[dict[str, str | int]] = []
    currency: str = "USD"
    weeks: list[overview.WeekRow] = []
    other_currencies: str = ""
    ages: list[overview.AgeRow] = []
    frozen_total: int = 0
    reports_open: int = 0
    partners: list[overview.PartnerHealthRow] = []
    partners_active: int = 0
    partners_suspended: int = 0
    average_rating: str = ""
    summaries: dict[str, str] = {}
    # the same rows as plain dicts, which is what the charts take
    week_points: list[dict[str, str | int | float]] = []
    age_points: list[dict[str, str | int | float]] = []
    partner_points: list[dict[str, str | int | float]] = []

    @rx.event
    def load_admin(self) -> None:
        """Admin only: the overview is loaded only after the service accepts the viewer."""
        viewer = self._refresh_viewer()
        self._show(None)
        try:
            with session_scope() as session:
                home = overview.admin_home(session, viewer=viewer, adapters=bootstrap.partners(get_settings()))
        except DomainError as exc:
            self.refusal = exc.message
        else:
            self._show(home)
        self.loaded = True

    def _show(self, home: overview.AdminHome | None) -> None:
        """Copy what the service read into the page's vars (nothing when it refused)."""
        self.refusal = ""
        if home is None:
            self.counts, self.newest, self.signups, self.summaries = {}, [], [], {}
            self.weeks, self.ages, self.partners = [], [], []
            self.week_points, self.age_points, self.partner_points = [], [], []
            return
        data = home.basics
        self.counts = {k: int(data[k]) for k in ("users", "admins", "suspended", "active_sessions")}  # type: ignore[literal-required]
        self.newest, self.signups = data["newest"], data["signups"]
        self.currency, self.weeks, self.other_currencies = home.currency, home.weeks, home.other_currencies
        self.ages, self.frozen_total, self.partners = home.ages, home.frozen_total, home.partners
        self.reports_open = home.reports_open
        self.partners_active, self.partners_suspended = home.partners_active, home.partners_suspended
        self.average_rating, self.summaries = home.average_rating, home.summaries
        self.week_points = [asdict(w) for w in home.weeks]
        self.age_points = [asdict(a) for a in home.ages]
        self.partner_points = [asdict(p) for p in home.partners]
