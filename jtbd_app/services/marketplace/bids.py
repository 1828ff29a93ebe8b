"""Bids: a member bids on someone else's open listing; the owner shortlists, rejects or accepts one.

Accepting creates the contract (awaiting funding), declines every other live bid and closes the listing. The
listing moves with a conditional UPDATE, so two accepts racing on two workers cannot both win.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import update
from sqlmodel import Session, col, select

from jtbd_app.config import get_settings
from jtbd_app.domain import listing_fields as lf
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.domain.money import Money
from jtbd_app.models import Bid, Listing, utcnow
from jtbd_app.services import live
from jtbd_app.services.accounts.terms import require_current_terms
from jtbd_app.services.contracts import lifecycle, problem_money
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.viewer import Viewer, require_active


def place_bid(session: Session, *, viewer: Viewer | None, listing_id: object, values: Mapping[str, object]) -> int:
    actor = require_active(viewer)
    require_current_terms(session, actor)
    listing = _listing(session, listing_id)
    if listing.owner_id == actor.user_id:
        raise PermissionDenied("You cannot bid on your own listing.")
    if listing.status != "open":
        raise ValidationFailed({"form": "This listing is not taking bids."})
    amount, message, days = _clean_bid(values, listing.currency)
    bid = session.exec(select(Bid).where(Bid.listing_id == listing.id, Bid.bidder_id == actor.user_id)).first()
    if bid is not None and bid.status != "withdrawn":
        raise ValidationFailed({"form": "You have already bid on this listing; edit your bid instead."})
    if bid is None:
        assert listing.id is not None
        bid = Bid(
            listing_id=listing.id, bidder_id=actor.user_id, amount_minor=0, currency=listing.currency, delivery_days=1
        )
    bid.status, bid.shortlisted, bid.decided_at = "pending", False, None
    bid.amount_minor, bid.currency, bid.message, bid.delivery_days = amount, listing.currency, message, days
    bid.created_at = bid.updated_at = utcnow()
    session.add(bid)
    _count_bids(session, listing, +1)
    notify(
        session,
        user_id=listing.owner_id,
        kind="bid_received",
        title=f"{actor.display_name} bid {Money(amount, listing.currency).format()} on “{listing.title}”",
        body=message[:200],
        link=f"/listings/{listing.id}",
    )
    session.flush()
    assert bid.id is not None
    return bid.id


def edit_bid(session: Session, *, viewer: Viewer | None, bid_id: object, values: Mapping[str, object]) -> None:
    bid, listing = _own_live_bid(session, viewer, bid_id)
    bid.amount_minor, bid.message, bid.delivery_days = _clean_bid(values, listing.currency)
    bid.updated_at = utcnow()
    session.add(bid)
    live.touch(session, live.listing_topic(bid.listing_id))


def withdraw_bid(session: Session, *, viewer: Viewer | None, bid_id: object) -> None:
    bid, listing = _own_live_bid(session, viewer, bid_id)
    bid.status, bid.shortlisted, bid.updated_at = "withdrawn", False, utcnow()
    session.add(bid)
    _count_bids(session, listing, -1)


def shortlist_bid(session: Session, *, viewer: Viewer | None, bid_id: object, shortlisted: object) -> None:
    bid, _listing = _owners_live_bid(session, viewer, bid_id)
    bid.shortlisted, bid.updated_at = shortlisted is True, utcnow()
    session.add(bid)
    live.touch(session, live.listing_topic(bid.listing_id))


def reject_bid(session: Session, *, viewer: Viewer | None, bid_id: object) -> None:
    bid, listing = _owners_live_bid(session, viewer, bid_id)
    _decline(session, bid, listing)
    _count_bids(session, listing, -1)


def accept_bid(session: Session, *, viewer: Viewer | None, bid_id: object) -> int:
    """The owner hires this bidder: a contract awaiting funding (for a problem's micro-task, funded from the problem's
    escrow at once, or refused when it holds less than the bid); everyone concerned is told."""
    bid, listing = _owners_live_bid(session, viewer, bid_id)
    moved = session.exec(  # type: ignore[call-overload]
        update(Listing)
        .where(col(Listing.id) == listing.id, col(Listing.status) == "open")
        .values(status="closed", closed_at=utcnow(), updated_at=utcnow(), bid_count=0)
    )
    if moved.rowcount != 1:
        raise ValidationFailed({"form": "This listing is no longer open."})
    session.refresh(listing)
    assert bid.id is not None and listing.id is not None
    bid.status, bid.decided_at, bid.updated_at = "accepted", utcnow(), utcnow()
    session.add(bid)
    live.touch(session, live.listing_topic(listing.id))
    contract = lifecycle.create_for_accepted_bid(session, listing=listing, bid=bid)
    from_problem = listing.problem_id is not None and listing.source == "problem"
    if from_problem:
        problem_money.fund_from_problem(session, contract)  # refused (nothing stored) when its escrow falls short
    notify(
        session,
        user_id=bid.bidder_id,
        kind="bid_accepted",
        title=f"Your bid on “{listing.title}” was accepted",
        body="Read and accept the contract; its escrow is already funded from the client's problem, so work starts "
        "once you both accept."
        if from_problem
        else "Read and accept the contract; work starts once the client funds the escrow.",
        link=f"/contracts/{contract.id}",
    )
    others = session.exec(
        select(Bid).where(Bid.listing_id == listing.id, Bid.status == "pending", Bid.id != bid.id)
    ).all()
    for other in others:
        _decline(session, other, listing)
    assert contract.id is not None
    return contract.id


def _decline(session: Session, bid: Bid, listing: Listing) -> None:
    bid.status, bid.decided_at, bid.updated_at, bid.shortlisted = "rejected", utcnow(), utcnow(), False
    session.add(bid)
    notify(
        session,
        user_id=bid.bidder_id,
        kind="bid_rejected",
        title=f"Your bid on “{listing.title}” was not chosen",
        body="The client decided on another offer. Thank you for bidding.",
        link=f"/listings/{listing.id}",
    )


def _clean_bid(values: Mapping[str, object], currency: str) -> tuple[int, str, int]:
    values = values if isinstance(values, Mapping) else {}
    errors: dict[str, str] = {}
    amount = days = 0
    message = ""
    try:
        # At today's fee, the one a contract made from this bid would be given (lifecycle.create_for_accepted_bid).
        amount = lf.clean_bid_amount(values.get("amount"), currency, fee_bps=get_settings().platform_fee_bps)
    except ValueError as exc:
        errors["amount"] = str(exc)
    try:
        message = lf.clean_rich_text(values.get("message"), label="Message", max_len=lf.MESSAGE_MAX, min_len=10)
    except ValueError as exc:
        errors["message"] = str(exc)
    try:
        days = lf.clean_delivery_days(values.get("delivery_days"))
    except ValueError as exc:
        errors["delivery_days"] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    return amount, message, days


def _listing(session: Session, listing_id: object) -> Listing:
    listing = session.get(Listing, parse_id(listing_id, not_found="There is no such listing."))
    if listing is None or listing.status in ("draft", "hidden"):
        raise NotFound("There is no such listing.")
    return listing


def _bid(session: Session, bid_id: object) -> tuple[Bid, Listing]:
    found = session.get(Bid, parse_id(bid_id, not_found="There is no such bid."))
    if found is None:
        raise NotFound("There is no such bid.")
    return found, _listing(session, found.listing_id)


def _own_live_bid(session: Session, viewer: Viewer | None, bid_id: object) -> tuple[Bid, Listing]:
    actor = require_active(viewer)
    bid, listing = _bid(session, bid_id)
    if bid.bidder_id != actor.user_id:
        raise NotFound("There is no such bid.")
    if bid.status != "pending" or listing.status != "open":
        raise ValidationFailed({"form": f"This bid is {bid.status}; it can no longer be changed."})
    return bid, listing


def _owners_live_bid(session: Session, viewer: Viewer | None, bid_id: object) -> tuple[Bid, Listing]:
    actor = require_active(viewer)
    bid, listing = _bid(session, bid_id)
    if listing.owner_id != actor.user_id:
        raise PermissionDenied("Only the client who posted this listing can decide on its bids.")
    if bid.status != "pending" or listing.status != "open":
        raise ValidationFailed({"form": f"This bid is {bid.status}; it can no longer be decided."})
    return bid, listing


def _count_bids(session: Session, listing: Listing, delta: int) -> None:
    """The listing's count of bids, in SQL (no bid is lost to a race). A Core statement on the session's connection:
    the count alone does not move the marketplace's version (services/live), so a bid does not empty the public
    caches on every worker; their readers read the counts as they show them (listing_cards.with_bid_counts)."""
    assert listing.id is not None
    session.connection().execute(
        update(Listing).where(col(Listing.id) == listing.id).values(bid_count=Listing.bid_count + delta)
    )
    session.expire(listing, ["bid_count"])  # the object reads the new count if asked
    live.touch(session, live.listing_topic(listing.id))  # placed, withdrawn or declined
    if listing.problem_id is not None:  # its problem's dashboard counts the bids waiting
        live.touch(session, live.problem_topic(listing.problem_id))
