"""/listings/[id]: one listing with its Q&A and bids; every action goes through a service that checks who asks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

import reflex as rx
from typing_extensions import TypedDict

from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import DomainError, NotFound, field_errors
from jtbd_app.domain.page_titles import page_title
from jtbd_app.services.marketplace import bids, listing_view, listings, questions
from jtbd_app.services.marketplace.listing_html import LOADING_HTML, REGION_ID, listing_html
from jtbd_app.services.viewer import Viewer
from jtbd_app.state import forms
from jtbd_app.state.boundary import RecordId, route_arg
from jtbd_app.state.changes import assign_changed
from jtbd_app.state.forms import field, fields
from jtbd_app.state.session import SessionState

SUMMARY_ID = REGION_ID  # the served region of a page with a parameter (components/routed_html)
SUMMARY_LOADING = LOADING_HTML  # what it shows while nothing is filled in


class BidForm(TypedDict):
    amount: str
    delivery_days: str
    message: str


class QuestionForm(TypedDict):
    question: str


class AnswerForm(TypedDict):
    question_id: str
    answer: str


class ListingState(SessionState):
    listing: listing_view.ListingDetail = listing_view.ListingDetail()
    summary_html: str = ""  # the listing's summary as the server builds it (services/marketplace/listing_html)
    loaded: bool = False
    found: bool = False
    errors: dict[str, str] = {}
    notice: str = ""
    editing_bid: bool = False
    missing: str = ""  # why the listing is not shown: none such, or hidden by the moderators

    @rx.var
    def route_listing_id(self) -> str:
        return route_arg(self.router.url.path)

    @rx.var
    def page_title(self) -> str:
        """The tab's title: the listing shown, or why there is none (never a listing this viewer was refused)."""
        if self.found and self.route_listing_id == str(self.listing.id):
            return page_title(self.listing.subject)
        return page_title("Listing not found" if self.loaded and not self.found else "Listing")

    @rx.var
    def my_bid(self) -> listing_view.BidItem:
        """The viewer's own bid (a non-owner only ever receives their own)."""
        if self.listing.is_owner or not self.listing.bids:
            return listing_view.BidItem()
        return self.listing.bids[0]

    @rx.event
    def load_listing(self) -> None:
        """Public: the service decides what this viewer may see (drafts and other people's bids stay hidden)."""
        self._reload(self._refresh_viewer())
        assign_changed(self, errors={}, notice="", editing_bid=False, loaded=True)

    def _reload(self, viewer: Viewer | None) -> None:
        """The listing as this viewer may see it now; only what changed is sent (the same listing opened again sends
        next to nothing)."""
        try:
            with read_scope() as session:  # a read: on SQLite it does not wait for, nor hold up, the writers
                detail = listing_view.listing_detail(session, viewer=viewer, listing_id=self.route_listing_id)
            # the description goes to the browser once, in the summary's markup
            shown = dataclasses.replace(detail, description="", description_html="")
            assign_changed(self, listing=shown, summary_html=listing_html(detail), found=True, missing="")
        except NotFound as exc:
            assign_changed(
                self, found=False, listing=listing_view.ListingDetail(), summary_html="", missing=exc.message
            )

    def _act(self, action: Callable[[Any, Viewer | None], object], notice: str, limit: str = "") -> bool:
        """Run one service call for the viewer (counted against the rate-limit policy `limit`, if named), then show
        the listing as it now is."""
        viewer = self._viewer()
        try:
            if limit:
                self._limit(limit, viewer)
            with session_scope() as session:
                action(session, viewer)
        except DomainError as exc:
            self.errors, self.notice = field_errors(exc), ""
            return False
        self.errors, self.notice = {}, notice
        self._reload(viewer)
        return True

    @rx.event
    def place_bid(self, form: BidForm) -> None:
        """Places the viewer's own bid; the service refuses owners, closed listings and second bids."""
        values = forms.values(form)
        self._act(
            lambda s, v: bids.place_bid(s, viewer=v, listing_id=self.route_listing_id, values=values),
            "Your bid is in. The client has been told.",
            limit="bid",
        )

    @rx.event
    def start_edit_bid(self) -> None:
        """Public: opens the edit form in this browser only."""
        self.editing_bid, self.errors = bool(self.my_bid.id), {}

    @rx.event
    def cancel_edit_bid(self) -> None:
        """Public: closes the edit form; nothing is stored."""
        self.editing_bid, self.errors = False, {}

    @rx.event
    def save_bid(self, form: BidForm) -> None:
        """Edits the viewer's own pending bid only."""
        values = forms.values(form)
        bid_id = self.my_bid.id
        if self._act(lambda s, v: bids.edit_bid(s, viewer=v, bid_id=bid_id, values=values), "Bid updated.", "bid"):
            self.editing_bid = False

    @rx.event
    def withdraw_bid(self, bid_id: RecordId) -> None:
        """Withdraws the viewer's own pending bid only."""
        self._act(lambda s, v: bids.withdraw_bid(s, viewer=v, bid_id=bid_id), "Bid withdrawn.")

    @rx.event
    def shortlist(self, bid_id: RecordId, shortlisted: bool) -> None:
        """The owner marks a bid; anyone else is refused by the service."""
        self._act(
            lambda s, v: bids.shortlist_bid(s, viewer=v, bid_id=bid_id, shortlisted=shortlisted),
            "Shortlist updated.",
        )

    @rx.event
    def reject_bid(self, bid_id: RecordId) -> None:
        """The owner declines a bid; anyone else is refused by the service."""
        self._act(lambda s, v: bids.reject_bid(s, viewer=v, bid_id=bid_id), "Bid declined; the bidder was told.")

    @rx.event
    def accept_bid(self, bid_id: RecordId) -> None:
        """The owner hires one bidder; anyone else is refused by the service."""
        self._act(
            lambda s, v: bids.accept_bid(s, viewer=v, bid_id=bid_id),
            "Bid accepted. A contract now awaits your funding; the other bidders were told.",
        )

    @rx.event
    def ask_question(self, form: QuestionForm) -> None:
        """Any active member but the owner asks publicly."""
        body = field(form, "question")
        self._act(
            lambda s, v: questions.ask_question(s, viewer=v, listing_id=self.route_listing_id, body=body),
            "Question posted. The client has been told.",
            limit="message",
        )

    @rx.event
    def answer_question(self, form: AnswerForm) -> None:
        """Only the owner answers; the question id comes from the form and is checked by the service."""
        question_id, answer = fields(form, "question_id", "answer")
        self._act(
            lambda s, v: questions.answer_question(s, viewer=v, question_id=question_id, answer=answer),
            "Answer posted.",
            limit="message",
        )

    @rx.event
    def end_listing(self, outcome: Literal["closed", "cancelled"]) -> None:
        """The owner closes or cancels; anyone else is refused by the service."""
        self._act(
            lambda s, v: listings.end_listing(s, viewer=v, listing_id=self.route_listing_id, outcome=outcome),
            "The listing is closed." if outcome == "closed" else "The listing is cancelled.",
        )
