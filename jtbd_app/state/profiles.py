"""/u/[username]: anyone views a profile; only its owner edits it (checked by the service)."""

from __future__ import annotations

from typing import Any, NotRequired

import reflex as rx
from typing_extensions import TypedDict

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, NotFound, field_errors
from jtbd_app.domain.page_titles import member_subject, page_title
from jtbd_app.services.accounts import profiles
from jtbd_app.services.contracts import review_view
from jtbd_app.services.marketplace import profile_view
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.boundary import PageNumber, route_arg
from jtbd_app.state.forms import field
from jtbd_app.state.invitations import InviteState
from jtbd_app.state.session import SessionState
from jtbd_app.state.skill_tags import SkillTagsMixin


class ProfileForm(TypedDict):
    display_name: str
    bio: str
    location: str
    hourly_rate: str
    currency: str
    links: str
    remote: NotRequired[bool]  # the switch is read from `edit_remote`
    skill_draft: NotRequired[str]  # the tags are read from `edit_skills`


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
    criteria_record: str = ""  # "Met 95% of acceptance criteria (40 checked)"

    @rx.var
    def route_username(self) -> str:
        return route_arg(self.router.url.path)

    @rx.var
    def page_title(self) -> str:
        """The tab's title: 'Ann Baker (@ann)' once that profile is shown."""
        if self.found and self.route_username.lower() == self.profile.username:
            return page_title(member_subject(self.profile.display_name, self.profile.username))
        return page_title("Member not found" if self.loaded and not self.found else "Profile")

    @rx.event
    async def load_profile(self) -> None:
        """Public: a profile is public information; ownership decides only whether Edit shows. The invite dialog
        opens in the same event (one session check and state round trip for the page, not two)."""
        self.loaded, self.editing, self.errors, self.saved_message = False, False, {}, ""
        viewer = self._refresh_viewer()
        self._show_profile(viewer)
        self.loaded = True
        (await self.get_state(InviteState))._open(viewer)

    def _show_profile(self, viewer: Viewer | None) -> None:
        try:
            with session_scope() as session:
                page = profile_view.profile_page(session, viewer=viewer, username=self.route_username)
        except NotFound:
            page, self.found = profile_view.ProfilePage(), False
        else:
            self.found = True
        self.profile, self.is_owner = page.profile, page.is_owner
        self.criteria_record = page.criteria_record
        self._show_reviews(page.reviews)

    def _show_reviews(self, reviews: profile_view.ReviewsPage) -> None:
        self.reviews, self.reviews_total = reviews.items, reviews.total
        self.reviews_page, self.reviews_pages = reviews.page, reviews.pages

    @rx.event
    def show_reviews_page(self, page: PageNumber) -> None:
        """Public: published reviews are public; the service shows only those, a page at a time."""
        reviews = profile_view.ReviewsPage()
        if self.found:
            with session_scope() as session:
                reviews = profile_view.reviews_page(session, username=self.route_username, page=page)
        self._show_reviews(reviews)

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
    def save_profile(self, form: ProfileForm) -> None:
        """Saves the viewer's own profile; the service refuses anyone else."""
        try:
            with session_scope() as session:
                data = profiles.update_profile(
                    session, viewer=self._viewer(), username=self.route_username, changes=self._changes(form)
                )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return
        self.profile, self.editing, self.errors = data, False, {}
        self.viewer_name, self.saved_message = data.display_name, "Profile saved."

    def _changes(self, form: object) -> dict[str, Any]:
        """The form as the service takes it: typed fields, the skill tags and remote switch, one link a line."""
        names = ("display_name", "bio", "location", "hourly_rate", "currency")
        links = field(form, "links")
        return {
            **{name: field(form, name) for name in names},
            "remote": self.edit_remote,
            "skills": list(self.edit_skills),
            "links": links.splitlines() if isinstance(links, str) else [],
        }
