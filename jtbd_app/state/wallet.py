"""/wallet: the viewer's own balance, escrow, payouts and history; setting up payouts at the gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from jtbd_app import bootstrap
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services import live
from jtbd_app.services.contracts import payouts, wallet_view
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.boundary import PageNumber, QueryText, query_param
from jtbd_app.state.live import LivePage
from jtbd_app.state.session import SessionState


class WalletState(LivePage, SessionState):
    wallet: wallet_view.Wallet = wallet_view.Wallet()
    loaded: bool = False
    refusal: str = ""
    errors: dict[str, str] = {}
    notice: str = ""
    progress: str = ""
    _live_topic: str = ""  # whose wallet was loaded ("7 wallet:7"), set on the server only

    def _live_topics(self, viewer: Viewer) -> list[str]:
        topic = live.wallet_topic(viewer.user_id)
        return [topic] if self.loaded and self._live_topic == f"{viewer.user_id} {topic}" else []

    def _live_reload(self, viewer: Viewer) -> list[Any]:
        """The wallet as it is now (a release, a payout, an escrow funded or refunded), on the page shown."""
        self._show(viewer, self.wallet.page)
        return []

    def _show(self, viewer: Viewer | None, page: object) -> None:
        sandbox = bootstrap.gateway().name == "sandbox"  # the banner speaks of the sandbox, not Stripe
        try:
            with session_scope() as session:
                self.wallet = wallet_view.wallet(session, viewer=viewer, page=page, test_money=sandbox)
            self.refusal = ""
        except DomainError as exc:
            self.refusal, self.wallet = exc.message, wallet_view.Wallet()
        self.loaded = True

    def _watch_wallet(self, viewer: Viewer | None) -> None:
        self._live_topic = f"{viewer.user_id} {live.wallet_topic(viewer.user_id)}" if viewer else ""
        if viewer is not None:
            self._watch_live(live.wallet_topic(viewer.user_id))

    @rx.event
    def load_wallet(self) -> EventSpec | None:
        """Signed-in only: the viewer's own wallet (the service has no way to ask for another's). Back from the
        gateway's onboarding (`?payouts=return`), the payout status is asked for at once."""
        self.loaded, self.errors, self.notice, self.progress = False, {}, "", ""
        viewer = self._refresh_viewer()
        self._watch_wallet(viewer)
        self._show(viewer, 1)
        answer = query_param(self, "payouts", QueryText, "")
        if answer == "failed":
            self.errors = {"form": "Payout setup could not be opened just now. Nothing changed; please try again."}
        back = answer == "return"
        return WalletState.refresh_status if back and viewer is not None and not self.refusal else None  # type: ignore[return-value]

    @rx.event
    def go_to_page(self, page: PageNumber) -> None:
        """Signed-in only: another page of the viewer's own history."""
        self._show(self._viewer(), page)

    @rx.event
    async def set_up_payouts(self) -> AsyncIterator[EventSpec | None]:
        """Creates the viewer's own payout account at the gateway and opens its onboarding link."""
        self.errors, self.notice, self.progress = {}, "", "Opening payout setup…"
        yield None
        viewer, gateway = self._viewer(), bootstrap.gateway()
        try:
            setup = await payouts.set_up_payouts(session_factory=session_scope, gateway=gateway, viewer=viewer)
        except DomainError as exc:
            self.progress, self.errors = "", field_errors(exc)
            return
        self.progress = ""
        if setup.ready:  # the sandbox account is ready at once (Stripe test keys still onboard)
            self._payouts_ready(viewer)
        else:
            yield rx.redirect(setup.url, is_external=True)

    def _payouts_ready(self, viewer: Viewer | None) -> None:
        self.notice = "Payouts are set up (sandbox)."
        self._show(viewer, self.wallet.page)

    @rx.event
    async def refresh_status(self) -> None:
        """Asks the gateway about the viewer's own payout account now, rather than wait for its webhook."""
        viewer, gateway = self._viewer(), bootstrap.gateway()
        try:
            await payouts.refresh_account_status(session_factory=session_scope, gateway=gateway, viewer=viewer)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return
        self.errors, self.notice = {}, "Payout status refreshed."
        self._show(viewer, self.wallet.page)
