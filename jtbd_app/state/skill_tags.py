"""The skill tag input's browser-side state, shared by every form that picks skills (profile, posting wizard)."""

from __future__ import annotations

import reflex as rx

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
    def add_skill(self, raw: str = "") -> None:
        """Public: edits the unsaved form in this browser only."""
        self._add_skill(raw if isinstance(raw, str) and raw else self.skill_draft)

    def _add_skill(self, candidate: str) -> None:
        try:
            self.edit_skills = skill_tags.add_skill(list(self.edit_skills), candidate)
        except ValidationFailed as exc:
            self.errors = {**self.errors, **exc.fields}
            return
        self.errors = {k: v for k, v in self.errors.items() if k != "skills"}
        self.skill_draft, self.skill_suggestions = "", []

    @rx.event
    def skill_key_down(self, key: str) -> None:
        """Public: Enter or comma in the skill box adds the typed skill."""
        if key in ("Enter", ",") and self.skill_draft.strip():
            self._add_skill(self.skill_draft)

    @rx.event
    def remove_skill(self, skill: str) -> None:
        """Public: edits the unsaved form in this browser only."""
        self.edit_skills = [s for s in self.edit_skills if s != skill]
