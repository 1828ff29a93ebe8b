"""A new member's first-run checklist on the dashboard, and the greeting that goes with it.

Each item is ticked from what the member has really done (their profile's photo, skills and rate, a listing they
published or a problem they described, a bid they placed), never from anything a browser says. The checklist goes
once every item is done, or once the member dismisses it (kept on their profile).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from jtbd_app.domain.errors import NotFound
from jtbd_app.models import AuthSession, Bid, Listing, Problem, Profile, ProfileSkill, utcnow
from jtbd_app.services.viewer import Viewer, require_viewer

PHOTO_SETTINGS = "/settings#photo"


@dataclass
class ChecklistLink:
    label: str = ""
    href: str = ""


@dataclass
class ChecklistItem:
    key: str = ""  # profile | post | find_work
    title: str = ""
    detail: str = ""  # what is still missing, or what was done
    done: bool = False
    links: list[ChecklistLink] = field(default_factory=list)


@dataclass
class Onboarding:
    greeting: str = "Welcome"  # "Welcome back" once the member has been here before or done something
    show_checklist: bool = False
    steps: list[ChecklistItem] = field(default_factory=list)
    done_count: int = 0


def _count(session: Session, statement: object) -> int:
    return int(session.exec(statement).one())  # type: ignore[call-overload]


def _profile_item(session: Session, profile: Profile, username: str) -> ChecklistItem:
    skills = _count(session, select(func.count()).where(ProfileSkill.user_id == profile.user_id))
    missing = [
        name
        for name, present in (
            ("a photo", bool(profile.photo_key)),
            ("your skills", skills > 0),
            ("an hourly rate", profile.hourly_rate_minor is not None),
        )
        if not present
    ]
    links = []
    if not profile.photo_key:
        links.append(ChecklistLink("Add a photo", PHOTO_SETTINGS))
    if skills == 0 or profile.hourly_rate_minor is None:
        links.append(ChecklistLink("Add your skills and rate", f"/u/{username}"))
    detail = "Still missing: " + ", ".join(missing) + "." if missing else "Your photo, skills and rate are in."
    return ChecklistItem("profile", "Complete your profile", detail, not missing, links)


def _post_item(session: Session, user_id: int) -> ChecklistItem:
    listings = _count(session, select(func.count()).where(Listing.owner_id == user_id, Listing.status != "draft"))
    problems = _count(session, select(func.count()).where(Problem.owner_id == user_id))
    done = listings + problems > 0
    return ChecklistItem(
        "post",
        "Post a task or a problem",
        "You have asked for work to be done." if done else "Say what you need done: one task, or a whole outcome.",
        done,
        []
        if done
        else [ChecklistLink("Post your first task", "/post"), ChecklistLink("Describe a problem", "/problems/new")],
    )


def _find_work_item(session: Session, user_id: int) -> ChecklistItem:
    done = _count(session, select(func.count()).where(Bid.bidder_id == user_id)) > 0
    return ChecklistItem(
        "find_work",
        "Find work",
        "You have placed a bid." if done else "Browse the open listings and bid on one you can do.",
        done,
        [] if done else [ChecklistLink("Find work in the marketplace", "/marketplace")],
    )


def onboarding(session: Session, *, viewer: Viewer | None) -> Onboarding:
    """The member's own greeting and checklist (NotSignedIn for a visitor)."""
    actor = require_viewer(viewer)
    profile = session.get(Profile, actor.user_id)
    if profile is None:
        raise NotFound("Your profile was not found.")
    items = [
        _profile_item(session, profile, actor.username),
        _post_item(session, actor.user_id),
        _find_work_item(session, actor.user_id),
    ]
    done = sum(item.done for item in items)
    sessions = _count(session, select(func.count()).where(AuthSession.user_id == actor.user_id))
    return Onboarding(
        greeting="Welcome back" if sessions > 1 or done > 0 else "Welcome",
        show_checklist=done < len(items) and profile.onboarding_dismissed_at is None,
        steps=items,
        done_count=done,
    )


def dismiss_checklist(session: Session, *, viewer: Viewer | None) -> None:
    """The member hides their own checklist for good (it is not shown again, even with items left)."""
    actor = require_viewer(viewer)
    profile = session.get(Profile, actor.user_id)
    if profile is None:
        raise NotFound("Your profile was not found.")
    if profile.onboarding_dismissed_at is None:
        profile.onboarding_dismissed_at = utcnow()
        session.add(profile)
