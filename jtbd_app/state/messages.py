"""/messages, /messages/[id] and /messages/open: thin states over the messaging services, which check every call.

The open thread is a live page (state/live): when its change stamp moves, the messages newer than the last one
shown are added.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.domain.page_titles import page_title
from jtbd_app.services import live
from jtbd_app.services.messaging import message_view, messages
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.boundary import PageNumber, QueryText, query_param, route_arg
from jtbd_app.state.forms import field
from jtbd_app.state.live import LivePage
from jtbd_app.state.session import SessionState


class MessageForm(TypedDict):
    body: str


class MessagesState(SessionState):
    """The viewer's conversations, one page at a time."""

    loaded: bool = False
    refusal: str = ""
    threads: list[message_view.ThreadSummary] = []
    page: int = 1
    pages: int = 1
    total: int = 0

    def _show(self, page: object) -> None:
        viewer = self._refresh_viewer()
        self.refusal = ""
        try:
            with session_scope() as session:
                listed = message_view.list_threads(session, viewer=viewer, page=page)
        except DomainError as exc:
            self.refusal, self.threads, self.total = exc.message, [], 0
        else:
            self.threads, self.page, self.pages, self.total = listed.threads, listed.page, listed.pages, listed.total
        self.loaded = True

    @rx.event
    def load_threads(self) -> None:
        """Signed-in only: the viewer's own threads."""
        self.loaded = False
        self._show(1)

    @rx.event
    def go_to_page(self, page: PageNumber) -> None:
        """Signed-in only: another page of the viewer's own threads."""
        self._show(page)


class ThreadState(LivePage, SessionState):
    """One conversation: its messages and the reply form; new messages appear as they are sent (a live page)."""

    loaded: bool = False
    refusal: str = ""
    thread: message_view.ThreadView = message_view.ThreadView()
    items: list[message_view.MessageItem] = []
    has_earlier: bool = False
    errors: dict[str, str] = {}
    form_key: int = 0
    _live_topic: str = ""  # the thread loaded and for whom ("7 thread:3"), set on the server only

    @rx.var
    def route_thread_id(self) -> str:
        return route_arg(self.router.url.path)

    @rx.var
    def page_title(self) -> str:
        """The tab's title: the conversation's subject, only once this viewer was shown that conversation."""
        if self.loaded and not self.refusal and self.route_thread_id == str(self.thread.id):
            return page_title(self.thread.title, "Messages")
        return page_title("Conversation not found" if self.loaded and self.refusal else "Conversation")

    def _live_topics(self, viewer: Viewer) -> list[str]:
        topic = live.thread_topic(self.thread.id)
        shown = self.route_thread_id == str(self.thread.id) and self._live_topic == f"{viewer.user_id} {topic}"
        return [topic] if shown else []

    def _live_reload(self, viewer: Viewer) -> list[Any]:
        try:
            self._fetch_new(viewer)
        except DomainError:  # no longer theirs to read: the next load says why
            self._live_topic = ""
        return []

    def _fetch_new(self, viewer: Any) -> None:
        """Append messages newer than the last one shown, and refresh the unread badge."""
        after = self.items[-1].id if self.items else 0
        with session_scope() as session:
            fresh = message_view.new_messages(session, viewer=viewer, thread_id=self.route_thread_id, after_id=after)
        self.unread_messages = fresh.unread
        if fresh.items:
            self.items = [*self.items, *fresh.items]

    @rx.event
    def load_thread(self) -> None:
        """Parties (and administrators, read-only) only: the newest page of the thread."""
        self._live_topic = ""
        self._watch_live(live.thread_topic(self.route_thread_id))
        viewer = self._refresh_viewer()
        try:
            with session_scope() as session:
                opened = message_view.opened_thread(session, viewer=viewer, thread_id=self.route_thread_id)
        except DomainError as exc:
            self._show_thread(message_view.ThreadView(), refusal=exc.message)
            return
        self.unread_messages = opened.unread
        self._show_thread(opened.view)
        self._live_topic = f"{viewer.user_id if viewer else 0} {live.thread_topic(opened.view.id)}"

    def _show_thread(self, view: message_view.ThreadView, refusal: str = "") -> None:
        """Show a thread page (its messages are kept in `items`, where the poll and older pages add to them)."""
        self.items, self.has_earlier = view.messages, view.has_earlier
        view.messages = []
        self.thread, self.refusal, self.errors, self.loaded = view, refusal, {}, True

    @rx.event
    def send_message(self, form: MessageForm) -> None:
        """A party writes; the service refuses anyone else, and bad text, with a message on the field."""
        body = field(form, "body")
        viewer = self._viewer()
        try:
            self._limit("message", viewer)
            with session_scope() as session:
                messages.send_message(session, viewer=viewer, thread_id=self.route_thread_id, body=body)
            self._fetch_new(viewer)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return
        self.errors = {}
        self.form_key += 1

    @rx.event
    def load_earlier(self) -> None:
        """Parties and administrators only (checked by the service): the page before the first shown."""
        if not self.items:
            return
        try:
            with session_scope() as session:
                view = message_view.thread_view(
                    session, viewer=self._viewer(), thread_id=self.route_thread_id, before_id=self.items[0].id
                )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return
        self.items = [*view.messages, *self.items]
        self.has_earlier = view.has_earlier


class OpenThreadState(SessionState):
    """/messages/open?listing=<id>&with=<username>: find or start the thread, then go to it."""

    loaded: bool = False
    refusal: str = ""

    @rx.event
    def open_thread(self) -> EventSpec | None:
        """Listing owner with a bidder or invitee, or such a member with the owner (checked by the service)."""
        self.loaded, self.refusal = False, ""
        viewer = self._refresh_viewer()
        listing, username = query_param(self, "listing", QueryText, ""), query_param(self, "with", QueryText, "")
        try:
            with session_scope() as session:
                thread_id = messages.open_listing_thread(
                    session, viewer=viewer, listing_id=listing, with_username=username
                )
        except DomainError as exc:
            self.refusal = exc.message
            self.loaded = True
            return None
        return rx.redirect(f"/messages/{thread_id}", replace=True)
