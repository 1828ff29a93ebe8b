"""/wallet/receipts/[id]: the receipt of one payment, for its payer or an administrator."""

from __future__ import annotations

import reflex as rx

from jtbd_app.db import read_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.contracts import receipts
from jtbd_app.state.boundary import route_arg
from jtbd_app.state.session import SessionState


class ReceiptState(SessionState):
    receipt: receipts.Receipt = receipts.Receipt()
    loaded: bool = False
    refusal: str = ""

    @rx.event
    def load_receipt(self) -> None:
        """Payer and admins only: the service answers NotFound to anyone else, so nobody learns it exists."""
        self.loaded, self.refusal, self.receipt = False, "", receipts.Receipt()
        viewer = self._refresh_viewer()
        try:
            with read_scope() as session:
                self.receipt = receipts.receipt(session, viewer=viewer, payment_id=route_arg(self.router.url.path))
        except DomainError as exc:
            self.refusal = exc.message
        self.loaded = True
