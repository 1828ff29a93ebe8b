"""/u/[username]: anyone views a profile; only its owner edits it (checked by the service)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, NotFound, field_errors
from jtbd_app.services.accounts import profiles
from jtbd_app.services.contracts import review_view
from jtbd_app.state.session import SessionState
from jtbd_app.state.skill_tags import SkillTagsMixin


class ProfileState(SkillTagsMixin, SessionState):
    profile: profiles.PublicProfile = profiles.PublicProfile()
    found: bool = False
    loaded: bool = False
    is_owner: bool = False
    editing: bool = False
    saved_message: str = ""
    edit_remote: bool = True
    reviews: list[review_view.ReviewItem] = []
    reviews_page: int = 1
    reviews_pages: int = 1
    reviews_total: int = 0

    @rx.var
    def route_username(self) -> str:
        return str(self.router.url.path).rstrip("/").rsplit("/", 1)[-1]

    @rx.event
    def load_profile(self) -> None:
        """Public: a profile is public information; ownership decides only whether Edit shows."""
        self.loaded, self.editing, self.errors, self.saved_message = False, False, {}, ""
        viewer = self._refresh_viewer()
        try:
            with session_scope() as session:
                data = profiles.public_profile(session, username=self.route_username)
        except NotFound:
            self.found, self.profile, self.is_owner = False, profiles.PublicProfile(), False
        else:
            self.found, self.profile = True, data
            self.is_owner = viewer is not None and viewer.username == data.username
        self._show_reviews(1)
        self.loaded = True

    def _show_reviews(self, page: object) -> None:
        items: list[review_view.ReviewItem] = []
        total = 0
        if self.found:
            try:
                with session_scope() as session:
                    items, total = review_view.profile_reviews(session, username=self.route_username, page=page)
            except NotFound:
                pass
        self.reviews, self.reviews_total = items, total
        self.reviews_pages = review_view.page_count(total)
        self.reviews_page = review_view.clamp_page(page, total)

    @rx.event
    def show_reviews_page(self, page: int) -> None:
        """Public: published reviews are public; the service shows only those, a page at a time."""
        self._show_reviews(page)

    @rx.event
    def start_edit(self) -> None:
        """Public: opens the form in this browser only; saving is what is checked."""
        if not self.is_owner:
            return
        self.editing, self.errors, self.saved_message = True, {}, ""
        self.edit_skills = list(self.profile.skills)
        self.edit_remote = self.profile.remote
        self.skill_draft, self.skill_suggestions = "", []

    @rx.event
    def cancel_edit(self) -> None:
        """Public: closes the form; changes nothing stored."""
        self.editing, self.errors = False, {}

    @rx.event
    def set_edit_remote(self, value: bool) -> None:
        """Public: a form field in this browser only."""
        self.edit_remote = bool(value)

    @rx.event
    def save_profile(self, form: dict[str, Any]) -> None:
        """Saves the viewer's own profile; the service refuses anyone else."""
        form = form if isinstance(form, dict) else {}
        links = form.get("links")
        changes = {
            "display_name": form.get("display_name"),
            "bio": form.get("bio"),
            "location": form.get("location"),
            "remote": self.edit_remote,
            "hourly_rate": form.get("hourly_rate"),
            "currency": form.get("currency"),
            "skills": list(self.edit_skills),
            "links": links.splitlines() if isinstance(links, str) else [],
        }
        try:
            with session_scope() as session:
                data = profiles.update_profile(
                    session, viewer=self._viewer(), username=self.route_username, changes=changes
                )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return
        self.profile, self.editing, self.errors = data, False, {}
        self.viewer_name = data.display_name
        self.saved_message = "Profile saved."
