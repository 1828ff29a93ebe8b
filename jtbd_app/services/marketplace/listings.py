"""Posting a listing: drafts filled step by step (or pre-filled by other parts of the app), publishing, and the
owner's edits, closing and cancelling. Only the owner ever sees or changes a draft."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, func, update
from sqlmodel import Session, col, select

from jtbd_app.domain import listing_fields as lf
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.domain.markdown_html import markdown_to_html
from jtbd_app.domain.marketplace import category_label
from jtbd_app.domain.money import Money, amount_input
from jtbd_app.domain.skills import normalise_skills
from jtbd_app.models import Bid, Listing, ListingSkill, Skill, utcnow
from jtbd_app.services.accounts.skill_tags import skill_ids
from jtbd_app.services.accounts.terms import require_current_terms
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.viewer import Viewer, require_active

MAX_DRAFTS = 50
PREFILL_KEYS = ("title", "description", "category", "skills", "budget", "currency", "deadline", "remote", "location")
EDITABLE = ("draft", "open")


@dataclass
class WizardForm:
    """A draft (or an open listing being edited) as the wizard's inputs show it."""

    id: int = 0
    status: str = "draft"
    step: int = 1  # the step shown
    reached: int = 1  # the furthest step the draft may go to
    title: str = ""
    description: str = ""
    description_html: str = ""  # the saved description as the listing page will show it (domain.markdown_html)
    category: str = ""
    skills: list[str] = field(default_factory=list)
    budget: str = ""
    currency: str = "USD"
    deadline: str = ""
    remote: bool = True
    location: str = ""
    source: str = "wizard"
    category_label: str = ""
    budget_display: str = ""


def today() -> date:
    return utcnow().date()


def start_draft(
    session: Session,
    *,
    viewer: Viewer | None,
    prefill: Mapping[str, object] | None = None,
    source: str = "wizard",
    problem_id: int | None = None,
    micro_task_id: int | None = None,
) -> int:
    """A new draft for the viewer, keeping every pre-filled value that is valid; the wizard asks for the rest.

    The Delegate menu and the problem planner open the wizard this way (title, description, skills, budget...).
    """
    actor = require_active(viewer)
    drafts = session.exec(
        select(func.count()).select_from(Listing).where(Listing.owner_id == actor.user_id, Listing.status == "draft")
    ).one()
    if drafts >= MAX_DRAFTS:
        raise ValidationFailed({"form": f"You have {MAX_DRAFTS} drafts; finish or delete some first."})
    if source not in ("wizard", "delegate", "problem"):
        source = "wizard"
    listing = Listing(owner_id=actor.user_id, source=source, problem_id=problem_id, micro_task_id=micro_task_id)
    session.add(listing)
    session.flush()
    values = {k: v for k, v in (prefill or {}).items() if k in PREFILL_KEYS}
    clean, _errors = _clean(values, fields=tuple(values))
    _apply(session, listing, clean)
    assert listing.id is not None
    return listing.id


def prefilled_form(prefill: Mapping[str, object]) -> WizardForm:
    """The wizard's first screen from a link's values: the valid ones are kept, nothing is stored yet."""
    values = {k: v for k, v in prefill.items() if k in PREFILL_KEYS}
    clean, _errors = _clean(values, fields=tuple(values))
    budget = clean.get("budget")
    currency = clean.get("currency", "USD")
    return WizardForm(
        title=clean.get("title", ""),
        description=clean.get("description", ""),
        category=clean.get("category", ""),
        skills=clean.get("skills", []),
        budget=amount_input(budget, currency) if budget is not None else "",
        currency=currency,
    )


def open_wizard(
    session: Session, *, viewer: Viewer | None, draft_id: object = None, prefill: Mapping[str, object] | None = None
) -> WizardForm:
    """The wizard as a link opens it: the viewer's own draft or open listing when `draft_id` is given, otherwise
    a first screen pre-filled from the link (for an active member; nothing is stored yet)."""
    if draft_id is not None:
        return wizard_form(session, viewer=viewer, listing_id=draft_id)
    require_active(viewer)
    return prefilled_form(prefill or {})


def wizard_form(session: Session, *, viewer: Viewer | None, listing_id: object) -> WizardForm:
    listing = _owned(session, viewer, listing_id, EDITABLE)
    return _form(session, listing)


def save_step(
    session: Session, *, viewer: Viewer | None, listing_id: object, step: object, values: Mapping[str, object]
) -> WizardForm:
    """Validate one step's fields and store them; the draft then resumes at the next step."""
    listing = _owned(session, viewer, listing_id, EDITABLE)
    if not isinstance(step, int) or step not in lf.STEP_FIELDS:
        raise ValidationFailed({"form": "That step does not exist."})
    clean, errors = _clean(values if isinstance(values, Mapping) else {}, fields=lf.STEP_FIELDS[step])
    if errors:
        raise ValidationFailed(errors)
    _apply(session, listing, clean)
    listing.wizard_step = max(listing.wizard_step, step + 1) if listing.status == "draft" else 4
    session.add(listing)
    return _form(session, listing)


def save_wizard_step(
    session: Session,
    *,
    viewer: Viewer | None,
    listing_id: object,
    step: object,
    values: Mapping[str, object],
    source: str = "wizard",
) -> WizardForm:
    """Save a step of the viewer's draft; a new draft (`listing_id` 0) is created by its first save, in the same
    transaction, so an invalid first step stores nothing."""
    draft_id = listing_id or start_draft(session, viewer=viewer, source=source)
    return save_step(session, viewer=viewer, listing_id=draft_id, step=step, values=values)


def go_to_step(session: Session, *, viewer: Viewer | None, listing_id: object, step: object) -> WizardForm:
    """Going back is always allowed; going forward only as far as the steps already completed."""
    listing = _owned(session, viewer, listing_id, EDITABLE)
    form = _form(session, listing)
    if isinstance(step, int) and 1 <= step <= max(listing.wizard_step, 1):
        form.step = step
    return form


def publish_listing(session: Session, *, viewer: Viewer | None, listing_id: object) -> int:
    """The member's post: every field is checked again (a deadline may have passed since the step was saved), and
    the member must have accepted the current terms."""
    listing = _owned(session, viewer, listing_id, ("draft",))
    require_current_terms(session, viewer)
    return publish_draft(session, listing)


def publish_for_problem(session: Session, *, viewer: Viewer | None, listing_id: object) -> int:
    """A funded problem's task posted as its listing: the owner accepted the terms when paying for the problem, so
    a version published since does not hold back the tasks that payment bought (the webhook's job posts them)."""
    return publish_draft(session, _owned(session, viewer, listing_id, ("draft",)))


def publish_draft(session: Session, listing: Listing) -> int:
    form = _form(session, listing)
    values: dict[str, object] = {**form.__dict__, "remote": form.remote}
    _clean_values, errors = _clean(values, fields=tuple(k for step in lf.STEP_FIELDS.values() for k in step))
    if errors:
        first = min(s for s, names in lf.STEP_FIELDS.items() if set(names) & set(errors))
        raise ValidationFailed({**errors, "form": f"Complete step {first}, {lf.STEP_NAMES[first]}, first."})
    listing.status, listing.published_at, listing.updated_at = "open", utcnow(), utcnow()
    listing.wizard_step = 4
    session.add(listing)
    assert listing.id is not None
    return listing.id


def delete_draft(session: Session, *, viewer: Viewer | None, listing_id: object) -> None:
    listing = _owned(session, viewer, listing_id, ("draft",))
    session.exec(delete(ListingSkill).where(col(ListingSkill.listing_id) == listing.id))  # type: ignore[call-overload]
    session.delete(listing)


def end_listing(session: Session, *, viewer: Viewer | None, listing_id: object, outcome: object) -> None:
    """The owner closes an open listing (no more bids) or cancels it (the job is off); live bids are declined."""
    if outcome not in ("closed", "cancelled"):
        raise ValidationFailed({"form": "Choose close or cancel."})
    listing = _owned(session, viewer, listing_id, ("open",))
    moved = session.exec(  # type: ignore[call-overload]
        update(Listing)
        .where(col(Listing.id) == listing.id, col(Listing.status) == "open")
        .values(status=outcome, closed_at=utcnow(), updated_at=utcnow(), bid_count=0)
    )
    if moved.rowcount != 1:
        raise ValidationFailed({"form": "This listing is no longer open."})
    session.refresh(listing)
    verb = "closed" if outcome == "closed" else "cancelled"
    for bid in session.exec(select(Bid).where(Bid.listing_id == listing.id, Bid.status == "pending")).all():
        bid.status, bid.decided_at, bid.updated_at = "rejected", utcnow(), utcnow()
        session.add(bid)
        notify(
            session,
            user_id=bid.bidder_id,
            kind="listing_closed",
            title=f"“{listing.title}” was {verb}",
            body="The client is no longer taking bids on this listing.",
            link=f"/listings/{listing.id}",
        )


def _owned(session: Session, viewer: Viewer | None, listing_id: object, statuses: tuple[str, ...]) -> Listing:
    actor = require_active(viewer)
    listing = session.get(Listing, parse_id(listing_id, not_found="There is no such listing."))
    if listing is None or (listing.owner_id != actor.user_id and listing.status == "draft"):
        raise NotFound("There is no such listing.")
    if listing.owner_id != actor.user_id:
        raise PermissionDenied("Only the client who posted this listing can change it.")
    if listing.status not in statuses:
        raise ValidationFailed({"form": f"This listing is {listing.status}; it can no longer be changed."})
    return listing


def _clean(values: Mapping[str, object], *, fields: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean the named fields; returns the valid values and a message per invalid field."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def check(name: str, fn: Callable[[object], Any]) -> None:
        if name not in fields:
            return
        try:
            clean[name] = fn(values.get(name))
        except ValueError as exc:
            errors[name] = str(exc)

    check("title", lf.clean_title)
    check("description", lf.clean_description)
    check("category", lf.clean_category)
    check("skills", _clean_skills)
    check("currency", lf.clean_currency)
    currency = clean.get("currency", values.get("currency", "USD"))
    if "budget" in fields and isinstance(currency, str) and "currency" not in errors:
        check("budget", lambda v: lf.clean_budget(v, currency if currency else "USD"))
    check("deadline", lambda v: lf.clean_deadline(v, today=today()))
    check("remote", lambda v: lf.clean_bool(True if v is None else v, label="the work is remote"))
    check("location", lambda v: lf.clean_location(v, remote=bool(clean.get("remote", True))))
    return clean, errors


def _clean_skills(value: object) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    skills = normalise_skills(items)
    if not skills:
        raise ValueError("Add at least one skill.")
    return skills


def _apply(session: Session, listing: Listing, clean: dict[str, Any]) -> None:
    for name in ("title", "description", "category", "currency", "deadline", "remote", "location"):
        if name in clean:
            setattr(listing, name, clean[name])
    if "budget" in clean:
        listing.budget_minor = clean["budget"]
    if "skills" in clean:
        _set_skills(session, listing, clean["skills"])
    listing.updated_at = utcnow()
    session.add(listing)
    session.flush()


def _set_skills(session: Session, listing: Listing, names: list[str]) -> None:
    assert listing.id is not None
    session.exec(delete(ListingSkill).where(col(ListingSkill.listing_id) == listing.id))  # type: ignore[call-overload]
    for position, skill_id in enumerate(skill_ids(session, names)):
        session.add(ListingSkill(listing_id=listing.id, skill_id=skill_id, position=position))
    listing.skills_text = ", ".join(names)


_SKILLS = (
    select(col(Skill.name))
    .join(ListingSkill, col(ListingSkill.skill_id) == col(Skill.id))
    .where(col(ListingSkill.listing_id) == bindparam("listing_id"))
    .order_by(col(ListingSkill.position))
)


def listing_skills(session: Session, *, listing_id: int) -> list[str]:
    """The listing's skills in the poster's order (a statement built once: every uncached listing page reads them)."""
    return list(session.connection().execute(_SKILLS, {"listing_id": listing_id}).scalars())


def _form(session: Session, listing: Listing) -> WizardForm:
    assert listing.id is not None
    return WizardForm(
        id=listing.id,
        status=listing.status,
        step=min(max(listing.wizard_step, 1), 4),
        reached=min(max(listing.wizard_step, 1), 4),
        title=listing.title,
        description=listing.description,
        description_html=markdown_to_html(listing.description, top_heading=3),
        category=listing.category,
        skills=listing_skills(session, listing_id=listing.id),
        budget=amount_input(listing.budget_minor, listing.currency) if listing.budget_minor is not None else "",
        currency=listing.currency,
        deadline=listing.deadline.isoformat() if listing.deadline else "",
        remote=listing.remote,
        location=listing.location,
        source=listing.source,
        category_label=category_label(listing.category),
        budget_display=Money(listing.budget_minor, listing.currency).format()
        if listing.budget_minor is not None
        else "",
    )
