"""Skill names to rows: one shared tag vocabulary for profiles and listings."""

from __future__ import annotations

from sqlmodel import Session, col, select

from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.skills import MAX_SKILLS, normalise_skill
from jtbd_app.models import Skill


def skill_ids(session: Session, names: list[str]) -> list[int]:
    """Ids of the (already normalised) skill names, creating the new ones; in the order given."""
    existing = {s.name: s for s in session.exec(select(Skill).where(col(Skill.name).in_(names))).all()} if names else {}
    ids: list[int] = []
    for name in names:
        skill = existing.get(name)
        if skill is None:
            skill = existing[name] = Skill(name=name)
            session.add(skill)
            session.flush()
        assert skill.id is not None
        ids.append(skill.id)
    return ids


def add_skill(chosen: list[str], candidate: object) -> list[str]:
    """A skill picker's tags with one more, normalised (a repeat changes nothing); a bad name or one tag too many
    is refused on the "skills" field. Nothing is stored: saving the form checks the tags again."""
    try:
        skill = normalise_skill(candidate)
    except ValueError as exc:
        raise ValidationFailed({"skills": str(exc)}) from exc
    if skill in chosen:
        return list(chosen)
    if len(chosen) >= MAX_SKILLS:
        raise ValidationFailed({"skills": f"Choose at most {MAX_SKILLS} skills."})
    return [*chosen, skill]
