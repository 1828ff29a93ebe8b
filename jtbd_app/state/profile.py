"""/u/[username]: anyone views a profile; only its owner edits it (checked by the service)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError, NotFound, field_errors
from jtbd_app.domain.skills import MAX_SKILLS, normalise_skill
from jtbd_app.services import profiles
from jtbd_app.state.session import SessionState


class ProfileState(SessionState):
    profile: profiles.PublicProfile = profiles.PublicProfile()
    found: bool = False
    loaded: bool = False
    is_owner: bool = False
    editing: bool = False
    errors: dict[str, str] = {}
    saved_message: str = ""
    edit_skills: list[str] = []
    skill_draft: str = ""
    skill_suggestions: list[str] = []
    edit_remote: bool = True

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
        self.loaded = True

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
    def set_skill_draft(self, value: str) -> None:
        """Public: suggestions come from skill names, which are public."""
        self.skill_draft = value[:60] if isinstance(value, str) else ""
        with session_scope() as session:
            self.skill_suggestions = [
                s for s in profiles.suggest_skills(session, prefix=self.skill_draft) if s not in self.edit_skills
            ]

    @rx.event
    def add_skill(self, raw: str = "") -> None:
        """Public: edits the unsaved form in this browser only."""
        self._add_skill(raw if isinstance(raw, str) and raw else self.skill_draft)

    def _add_skill(self, candidate: str) -> None:
        try:
            skill = normalise_skill(candidate)
        except ValueError as exc:
            self.errors = {**self.errors, "skills": str(exc)}
            return
        if skill not in self.edit_skills:
            if len(self.edit_skills) >= MAX_SKILLS:
                self.errors = {**self.errors, "skills": f"Choose at most {MAX_SKILLS} skills."}
                return
            self.edit_skills = [*self.edit_skills, skill]
        self.errors = {k: v for k, v in self.errors.items() if k != "skills"}
        self.skill_draft, self.skill_suggestions = "", []

    @rx.event
    def skill_key_down(self, key: str) -> None:
        """Public: Enter or comma in the skill box adds the typed skill."""
        if key in ("Enter", ","):
            self._add_skill(self.skill_draft)

    @rx.event
    def remove_skill(self, skill: str) -> None:
        """Public: edits the unsaved form in this browser only."""
        self.edit_skills = [s for s in self.edit_skills if s != skill]

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
