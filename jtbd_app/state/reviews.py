"""The reviews panel of /contracts/[id]: the contract comes from the URL and the viewer from the cookie, every time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx
from typing_extensions import TypedDict

from jtbd_app.db import read_or_write, session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.domain.reviews import RATINGS
from jtbd_app.services.contracts import review_view, reviews
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.boundary import route_arg
from jtbd_app.state.forms import field
from jtbd_app.state.session import SessionState

if TYPE_CHECKING:
    from sqlmodel import Session

CHOICES = {str(n): n for n in RATINGS}


class ReviewForm(TypedDict):
    review: str


class ContractReviewState(SessionState):
    panel: review_view.ReviewPanel = review_view.ReviewPanel()
    loaded: bool = False
    refusal: str = ""
    rating: str = ""  # the rating control's value: "" or "1".."5"
    errors: dict[str, str] = {}
    notice: str = ""

    @rx.var
    def route_contract_id(self) -> str:
        return route_arg(self.router.url.path)

    def _show(self, viewer: Viewer | None, session: Session | None = None) -> None:
        """The panel from `session` (a read that may raise NeedsWrite), or from a read of its own."""
        if session is None:
            read_or_write(lambda own: self._show(viewer, own))
            return
        try:
            self.panel = review_view.review_panel(session, viewer=viewer, contract_id=self.route_contract_id)
            self.refusal = ""
        except DomainError as exc:
            self.panel, self.refusal = review_view.ReviewPanel(), exc.message

    @rx.event
    def load_review(self) -> None:
        """Parties only (administrators read): the service decides which reviews this viewer may see."""
        self._open(self._viewer())

    def _open(self, viewer: Viewer | None, session: Session | None = None) -> None:
        """The panel as the page opens (ContractState.load_contract opens it in the same event and session)."""
        self.loaded, self.errors, self.notice, self.rating = False, {}, "", ""
        self._show(viewer, session)
        self.loaded = True

    @rx.event
    def set_rating(self, value: str) -> None:
        """Public: the chosen stars in this browser only; submitting is what is checked."""
        self.rating = value if isinstance(value, str) and value in CHOICES else ""

    @rx.event
    def submit_review(self, form: ReviewForm) -> None:
        """Leaves the viewer's own review of this contract; the service checks party, window and input."""
        body = field(form, "review")
        rating = CHOICES.get(self.rating) if isinstance(self.rating, str) else None
        viewer = self._viewer()
        try:
            with session_scope() as session:
                reviews.leave_review(
                    session, viewer=viewer, contract_id=self.route_contract_id, rating=rating, body=body
                )
        except DomainError as exc:
            self.errors, self.notice = field_errors(exc), ""
            return
        self._reviewed(viewer)

    def _reviewed(self, viewer: Viewer | None) -> None:
        """The review is in: the form empties and the panel shows it (with the other's, once both are published)."""
        self.errors, self.rating = {}, ""
        self._show(viewer)
        self.notice = "Your review is in." if not self.panel.other_reviews else "Your review is in; both are published."
