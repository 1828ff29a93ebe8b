"""Invitations to bid: a client asks a contractor to bid on one of the client's open listings.

Only the listing's owner invites, only to an open listing, never themselves or a suspended member, and
each contractor once per listing. Who sees an invitation: the owner sees all of a listing's, the invited
contractor their own, anyone else nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from jtbd_app.domain import text
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.domain.ids import id_or_none
from jtbd_app.models import Bid, Invitation, Listing, Profile, User
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.viewer import Viewer, require_active, require_viewer

MAX_MESSAGE = 1000
MAX_INVITABLE = 100
ALREADY_INVITED = "Already invited: this member was already invited to bid on this listing."


@dataclass
class ListingInvitation:
    """An invitation as its listing's owner (or the invited contractor) sees it."""

    contractor_username: str = ""
    contractor_name: str = ""
    invited_at: str = ""
    has_bid: bool = False
    message: str = ""


@dataclass
class MyInvitation:
    """An invitation on the invited contractor's dashboard."""

    listing_id: int = 0
    listing_title: str = ""
    listing_open: bool = True
    client_username: str = ""
    client_name: str = ""
    invited_at: str = ""
    message: str = ""


def invite(
    session: Session, *, viewer: Viewer | None, listing_id: object, contractor_username: object, message: object = ""
) -> None:
    """Invite a member to bid on the viewer's open listing and tell them in-app, in one transaction."""
    actor = require_active(viewer)
    listing = _own_listing(session, actor=actor, listing_id=listing_id)
    if listing.status != "open":
        raise ValidationFailed({"listing_id": "Only an open listing takes invitations."})
    errors: dict[str, str] = {}
    try:
        clean_message = clean_invitation_message(message)
    except ValueError as exc:
        errors["message"] = str(exc)
    contractor = _member(session, contractor_username)
    if contractor.id == actor.user_id:
        errors["form"] = "You cannot invite yourself to your own listing."
    elif contractor.status != "active":
        errors["form"] = "That member's account is suspended; they cannot be invited."
    if errors:
        raise ValidationFailed(errors)
    assert listing.id is not None and contractor.id is not None
    if _existing(session, listing_id=listing.id, contractor_id=contractor.id):
        raise ValidationFailed({"form": ALREADY_INVITED})
    try:
        with session.begin_nested():
            session.add(
                Invitation(
                    listing_id=listing.id, client_id=actor.user_id, contractor_id=contractor.id, message=clean_message
                )
            )
    except IntegrityError:  # the same invitation sent twice at once
        raise ValidationFailed({"form": ALREADY_INVITED}) from None
    notify(
        session,
        user_id=contractor.id,
        kind="invitation",
        title=f"{actor.display_name} invited you to bid on {listing.title}",
        body=clean_message,
        link=f"/listings/{listing.id}",
    )


def invitable_listings(session: Session, *, viewer: Viewer | None) -> list[tuple[int, str]]:
    """The viewer's own open listings, newest first: what the invite dialog offers."""
    actor = require_active(viewer)
    rows = session.exec(
        select(Listing.id, Listing.title)
        .where(col(Listing.owner_id) == actor.user_id, col(Listing.status) == "open")
        .order_by(col(Listing.published_at).desc(), col(Listing.id).desc())
        .limit(MAX_INVITABLE)
    ).all()
    return [(int(listing_id), title) for listing_id, title in rows if listing_id is not None]


# Built once (bound by id): a listing page asks for its invitations on every member's visit.
_INVITATIONS: Any = (
    select(Invitation, Profile, User, Bid.id)
    .join(User, col(User.id) == col(Invitation.contractor_id))
    .join(Profile, col(Profile.user_id) == col(Invitation.contractor_id))
    .join(
        Bid,
        and_(
            col(Bid.listing_id) == col(Invitation.listing_id),
            col(Bid.bidder_id) == col(Invitation.contractor_id),
            col(Bid.status) != "withdrawn",
        ),
        isouter=True,
    )
    .where(col(Invitation.listing_id) == bindparam("listing_id"))
    .order_by(col(Invitation.created_at).desc(), col(Invitation.id).desc())
)
_OWN_INVITATIONS: Any = _INVITATIONS.where(col(Invitation.contractor_id) == bindparam("contractor_id"))


def invitations_for_listing(
    session: Session, *, viewer: Viewer | None, listing_id: object, owner_id: int | None = None
) -> list[ListingInvitation]:
    """All of a listing's invitations for its owner, only their own for an invited member, none for others.
    `owner_id`: the listing's owner as the caller read it from the database (saves reading the listing again)."""
    number = id_or_none(listing_id)
    if viewer is None or number is None:
        return []
    if owner_id is None:
        owner_id = session.exec(select(Listing.owner_id).where(Listing.id == number)).first()
        if owner_id is None:
            return []
    if owner_id == viewer.user_id:
        query, params = _INVITATIONS, {"listing_id": number}
    else:
        query, params = _OWN_INVITATIONS, {"listing_id": number, "contractor_id": viewer.user_id}
    return [
        ListingInvitation(
            contractor_username=user.username,
            contractor_name=profile.display_name,
            invited_at=_when(invitation),
            has_bid=bid_id is not None,
            message=invitation.message,
        )
        for invitation, profile, user, bid_id in session.exec(query, params=params).all()
    ]


def my_invitations(session: Session, *, viewer: Viewer | None, limit: int = 20) -> list[MyInvitation]:
    """The viewer's own invitations, newest first, for their dashboard."""
    actor = require_viewer(viewer)
    rows = session.exec(
        select(Invitation, Listing, Profile, User)
        .join(Listing, col(Listing.id) == col(Invitation.listing_id))
        .join(User, col(User.id) == col(Invitation.client_id))
        .join(Profile, col(Profile.user_id) == col(Invitation.client_id))
        .where(col(Invitation.contractor_id) == actor.user_id)
        .order_by(col(Invitation.created_at).desc(), col(Invitation.id).desc())
        .limit(max(1, min(int(limit), 100)))
    ).all()
    return [
        MyInvitation(
            listing_id=listing.id or 0,
            listing_title=listing.title,
            listing_open=listing.status == "open",
            client_username=client.username,
            client_name=profile.display_name,
            invited_at=_when(invitation),
            message=invitation.message,
        )
        for invitation, listing, profile, client in rows
    ]


def clean_invitation_message(value: object) -> str:
    """Optional plain text of at most MAX_MESSAGE characters; anything that looks like HTML is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("The message must be text.")
    cleaned = text.clean_paragraphs(value[: MAX_MESSAGE * 2 + 1], label="The message", max_len=MAX_MESSAGE)
    if text.has_html(cleaned):
        raise ValueError("The message must be plain text; HTML is not allowed.")
    return cleaned


def _own_listing(session: Session, *, actor: Viewer, listing_id: object) -> Listing:
    number = id_or_none(listing_id)
    listing = session.get(Listing, number) if number is not None else None
    if listing is None:
        raise ValidationFailed({"listing_id": "Choose one of your open listings."})
    if listing.owner_id != actor.user_id:
        raise PermissionDenied("You can only invite members to your own listings.")
    return listing


def _member(session: Session, username: object) -> User:
    name = username.strip().lower() if isinstance(username, str) and len(username) <= 60 else ""
    user = session.exec(select(User).where(col(User.username) == name)).first() if name else None
    if user is None:
        raise NotFound("There is no member with that username.")
    return user


def _existing(session: Session, *, listing_id: int, contractor_id: int) -> bool:
    return (
        session.exec(
            select(Invitation.id).where(
                col(Invitation.listing_id) == listing_id, col(Invitation.contractor_id) == contractor_id
            )
        ).first()
        is not None
    )


def _when(invitation: Invitation) -> str:
    return invitation.created_at.strftime("%d %b %Y, %H:%M UTC")
