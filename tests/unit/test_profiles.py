"""Profiles: public to all, edited by the owner alone, every field validated."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from jtbd_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.domain.skills import MAX_SKILLS
from jtbd_app.services.accounts import profiles, skill_tags
from jtbd_app.services.marketplace import profile_view
from jtbd_app.services.viewer import viewer_from_token
from tests.support.members import make_user, session_token

CHANGES: dict[str, Any] = {
    "display_name": "Ann Lee",
    "bio": "I build <b>things</b>.",
    "location": "Lisbon",
    "remote": False,
    "hourly_rate": "45.50",
    "currency": "EUR",
    "skills": ["Python ", "python", "Data  Analysis"],
    "links": ["https://ann.example.com", "https://ann.example.com"],
}


def viewer_for(db: Session, username: str, **kw: Any) -> Any:
    return viewer_from_token(db, session_token(make_user(username, **kw)))


def test_owner_saves_profile_with_normalised_skills_and_minor_unit_rate(db: Session) -> None:
    viewer = viewer_for(db, "ann")
    saved = profiles.update_profile(db, viewer=viewer, username="ann", changes=CHANGES)
    assert saved.display_name == "Ann Lee"
    assert saved.skills == ["python", "data analysis"]
    assert saved.links == ["https://ann.example.com"]
    assert saved.hourly_rate == "€45.50/hour" and saved.hourly_rate_input == "45.50"
    assert saved.bio == "I build <b>things</b>."  # kept as text; the page renders it escaped
    assert profiles.public_profile(db, username="ANN").location == "Lisbon"


def test_nobody_else_can_edit_a_profile(db: Session) -> None:
    make_user("ann")
    bob = viewer_for(db, "bob")
    with pytest.raises(PermissionDenied):
        profiles.update_profile(db, viewer=bob, username="ann", changes=CHANGES)
    with pytest.raises(NotSignedIn):
        profiles.update_profile(db, viewer=None, username="ann", changes=CHANGES)
    assert profiles.public_profile(db, username="ann").display_name == "Ann"


def test_a_suspended_member_cannot_edit(db: Session) -> None:
    viewer = viewer_for(db, "sam", status="suspended")
    with pytest.raises(PermissionDenied):
        profiles.update_profile(db, viewer=viewer, username="sam", changes=CHANGES)
    shown = profiles.public_profile(db, username="sam", viewer=viewer)
    assert shown.suspended and shown.suspended_reason == "Spam."


def test_a_suspension_reason_is_shown_to_the_member_and_admins_only(db: Session) -> None:
    sam = viewer_for(db, "sam", status="suspended")
    admin = viewer_for(db, "ada", role="admin")
    stranger = viewer_for(db, "bob")
    for viewer in (None, stranger):
        page = profile_view.profile_page(db, viewer=viewer, username="sam")
        assert page.profile.suspended and page.profile.suspended_reason == ""
    for viewer in (sam, admin):
        assert profile_view.profile_page(db, viewer=viewer, username="sam").profile.suspended_reason == "Spam."


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"hourly_rate": "-5"}, "hourly_rate", "negative"),
        ({"hourly_rate": "12.345"}, "hourly_rate", "decimal places"),
        ({"hourly_rate": "1e9"}, "hourly_rate", "beyond"),
        ({"hourly_rate": "abc"}, "hourly_rate", "number"),
        ({"currency": "XXX"}, "currency", "supported"),
        ({"links": ["javascript:alert(1)"]}, "links", "not a valid"),
        ({"links": [f"https://e.com/{i}" for i in range(11)]}, "links", "at most 10"),
        ({"display_name": "<img src=x onerror=alert(1)>"}, "display_name", "cannot contain"),
        ({"display_name": ""}, "display_name", "required"),
        ({"bio": "x" * 2001}, "bio", "at most 2000"),
        ({"skills": ["<script>"]}, "skills", "characters"),
        ({"skills": [f"s{i}" for i in range(21)]}, "skills", "at most 20"),
        ({"remote": False, "location": ""}, "location", "location"),
        ({"remote": "yes"}, "remote", "remotely"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_changes_nothing(
    db: Session, change: dict[str, Any], field: str, message: str
) -> None:
    viewer = viewer_for(db, "ann")
    with pytest.raises(ValidationFailed) as caught:
        profiles.update_profile(db, viewer=viewer, username="ann", changes={**CHANGES, **change})
    assert message in caught.value.fields[field]
    db.rollback()
    assert profiles.public_profile(db, username="ann").skills == []


def test_unknown_member_is_not_found(db: Session) -> None:
    with pytest.raises(NotFound):
        profiles.public_profile(db, username="ghost")


def test_skill_suggestions_prefer_prefix_then_usage(db: Session) -> None:
    for name, skills in (("ann", ["python", "sql"]), ("bob", ["python"]), ("cat", ["jython"])):
        viewer = viewer_for(db, name)
        profiles.update_profile(db, viewer=viewer, username=name, changes={**CHANGES, "skills": skills})
        db.commit()
    assert profiles.suggest_skills(db, prefix="yth") == ["python", "jython"]
    assert profiles.suggest_skills(db, prefix="py") == ["python"]
    assert profiles.suggest_skills(db, prefix="%") == []
    assert profiles.suggest_skills(db, prefix="")[:1] == ["python"]


def test_a_skill_picker_adds_one_normalised_tag_and_refuses_bad_ones() -> None:
    assert skill_tags.add_skill(["python"], "  Data   Analysis ") == ["python", "data analysis"]
    assert skill_tags.add_skill(["python"], "PYTHON") == ["python"]
    for bad in ("", "<script>", None):
        with pytest.raises(ValidationFailed) as caught:
            skill_tags.add_skill([], bad)
        assert set(caught.value.fields) == {"skills"}
    full = [f"skill {n}" for n in range(MAX_SKILLS)]
    with pytest.raises(ValidationFailed, match=f"at most {MAX_SKILLS}"):
        skill_tags.add_skill(full, "one more")
    assert skill_tags.add_skill(full, "skill 0") == full
