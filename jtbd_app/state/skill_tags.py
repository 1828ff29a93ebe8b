"""The skill tag input's browser-side state, shared by every form that picks skills (profile, posting wizard)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.services.accounts import profiles, skill_tags


class SkillTagsMixin(rx.State, mixin=True):
    errors: dict[str, str] = {}
    edit_skills: list[str] = []
    skill_draft: str = ""
    skill_suggestions: list[str] = []

    @rx.event
    def set_skill_draft(self, value: str) -> None:
        """Public: suggestions come from skill names, which are public."""
        self.skill_draft = value[:60] if isinstance(value, str) else ""
        with session_scope() as session:
            self.skill_suggestions = [
                s for s in profiles.suggest_skills(session, prefix=self.skill_draft) if s not in self.edit_skills
            ]

    @rx.event
    def add_skill(self, raw: str = "") -> EventSpec | None:
        """Public: edits the unsaved form in this browser only."""
        return self._add_skill(raw if isinstance(raw, str) and raw else self.skill_draft)

    def _add_skill(self, candidate: str) -> EventSpec | None:
        before = list(self.edit_skills)
        try:
            self.edit_skills = skill_tags.add_skill(list(self.edit_skills), candidate)
        except ValidationFailed as exc:
            self.errors = {**self.errors, **exc.fields}
            return None
        self.errors = {k: v for k, v in self.errors.items() if k != "skills"}
        self.skill_draft, self.skill_suggestions = "", []
        return self._skills_changed() if self.edit_skills != before else None

    @rx.event
    def skill_key_down(self, key: str) -> EventSpec | None:
        """Public: Enter or comma in the skill box adds the typed skill."""
        if key in ("Enter", ",") and self.skill_draft.strip():
            return self._add_skill(self.skill_draft)
        return None

    @rx.event
    def remove_skill(self, skill: str) -> EventSpec | None:
        """Public: edits the unsaved form in this browser only."""
        before = list(self.edit_skills)
        self.edit_skills = [s for s in self.edit_skills if s != skill]
        return self._skills_changed() if self.edit_skills != before else None

    def _skills_changed(self) -> EventSpec | None:
        """What follows a change of the chosen skills: nothing here; a search form applies itself (marketplace)."""
        return None
