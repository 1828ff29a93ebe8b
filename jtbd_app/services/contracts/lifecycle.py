"""A contract from an accepted bid to its agreement: the document, both parties' acceptance, access and timeline."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from jtbd_app.config import get_settings
from jtbd_app.domain import contract_document
from jtbd_app.domain.contract_rules import below_minimum, bps_label, due_at, minimum_price
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.domain.money import Money
from jtbd_app.models import (
    Bid,
    Contract,
    ContractAcceptance,
    ContractDocument,
    ContractEvent,
    Listing,
    Profile,
    utcnow,
)
from jtbd_app.services import live, scheduler
from jtbd_app.services.messaging import messages
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.viewer import Viewer, require_active, require_viewer

NOT_FOUND = "That contract does not exist."
CONTRACT_JOBS = ("expire_unfunded", "auto_release", "release_reminder", "deadline_passed", "revision_due")


def contract_id_of(value: object) -> int:
    return parse_id(value, not_found=NOT_FOUND)


def visible_contract(session: Session, *, viewer: Viewer | None, contract_id: object) -> Contract:
    """The contract, if the viewer is one of its parties or an admin; others learn nothing, not even that it exists."""
    actor = require_viewer(viewer)
    contract = session.get(Contract, contract_id_of(contract_id))
    if contract is None or not (actor.user_id in (contract.client_id, contract.contractor_id) or actor.is_admin):
        raise NotFound(NOT_FOUND)
    return contract


def locked_party_contract(session: Session, *, viewer: Viewer | None, contract_id: object, role: str = "") -> Contract:
    """The contract row locked for this unit of work (FOR UPDATE on PostgreSQL), for an active party acting on it.

    `role` "client" or "contractor" narrows who may act; a party in the other role is told plainly.
    """
    actor = require_active(viewer)
    contract = session.exec(
        select(Contract)
        .where(Contract.id == contract_id_of(contract_id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if contract is None or actor.user_id not in (contract.client_id, contract.contractor_id):
        raise NotFound(NOT_FOUND)
    if role == "client" and actor.user_id != contract.client_id:
        raise PermissionDenied("Only the client can do that.")
    if role == "contractor" and actor.user_id != contract.contractor_id:
        raise PermissionDenied("Only the contractor can do that.")
    return contract


def locked_contract(session: Session, contract_id: int) -> Contract | None:
    """For the platform's own actions (webhooks, scheduled jobs): the row, locked."""
    return session.exec(
        select(Contract).where(Contract.id == contract_id).with_for_update().execution_options(populate_existing=True)
    ).first()


def _topics(contract: Contract) -> list[str]:
    """The pages a contract's change shows on: its own, and its problem's dashboard when it is a micro-task's."""
    assert contract.id is not None
    topics = [live.contract_topic(contract.id)]
    if contract.problem_id is not None:
        topics.append(live.problem_topic(contract.problem_id))
    return topics


def record_event(session: Session, contract: Contract, *, kind: str, detail: str, actor_id: int | None = None) -> None:
    assert contract.id is not None
    session.add(ContractEvent(contract_id=contract.id, actor_id=actor_id, kind=kind, detail=detail[:2000]))
    live.touch(session, *_topics(contract))


def move(session: Session, contract: Contract, status: str) -> None:
    contract.status, contract.updated_at = status, utcnow()
    session.add(contract)
    if contract.id is not None:  # a new contract has no page yet
        live.touch(session, *_topics(contract))


def end(session: Session, contract: Contract, status: str, detail: str, actor_id: int | None) -> None:
    """The contract ends without a release (cancelled or expired): its jobs go, both parties but the actor are told."""
    assert contract.id is not None
    contract.cancelled_at, contract.cancel_requested_by = utcnow(), None
    move(session, contract, status)
    scheduler.cancel_pending(session, contract_id=contract.id, kinds=CONTRACT_JOBS)
    record_event(session, contract, kind=status, detail=detail, actor_id=actor_id)
    listing = session.get(Listing, contract.listing_id)
    title = listing.title if listing else "your contract"
    for user_id in (contract.client_id, contract.contractor_id):
        if user_id != actor_id:
            notify(
                session,
                user_id=user_id,
                kind="contract",
                title=f"Contract for “{title}” ended",
                body=detail,
                link=f"/contracts/{contract.id}",
            )


def freeze(session: Session, contract: Contract, *, reason: str) -> None:
    """Hold every release and payout of the contract until an administrator decides (services/contracts/resolution)."""
    assert contract.id is not None
    contract.frozen_reason = reason if not contract.release_frozen else f"{contract.frozen_reason} {reason}"
    contract.frozen_reason = contract.frozen_reason[:300]
    contract.release_frozen = True
    move(session, contract, contract.status)
    detail = f"{reason} The escrow and any payout are held until an administrator decides."
    record_event(session, contract, kind="frozen", detail=detail)
    for user_id in (contract.client_id, contract.contractor_id):
        notify(
            session,
            user_id=user_id,
            kind="contract",
            title="Contract on hold",
            body=detail,
            link=f"/contracts/{contract.id}",
        )


def create_for_accepted_bid(session: Session, *, listing: Listing, bid: Bid) -> Contract:
    """The contract and its document, with today's fee and rules copied in, and its funding deadline scheduled.

    A bid priced below the minimum at today's fee (placed before the minimum existed, or before the fee rose) makes
    no contract: it could never be funded, or its release would leave the contractor nothing."""
    settings = get_settings()
    assert listing.id is not None and bid.id is not None
    fee_bps = settings.platform_fee_bps
    if below_minimum(bid.amount_minor, bid.currency, fee_bps):
        raise ValidationFailed({"form": _below_minimum(bid, fee_bps)})
    now = utcnow()
    contract = Contract(
        listing_id=listing.id,
        bid_id=bid.id,
        client_id=listing.owner_id,
        contractor_id=bid.bidder_id,
        amount_minor=bid.amount_minor,
        currency=bid.currency,
        delivery_days=bid.delivery_days,
        fee_bps=fee_bps,
        max_revisions=settings.contract_max_revisions,
        auto_release_days=settings.auto_release_days,
        funding_expires_at=now + timedelta(days=settings.unfunded_expiry_days),
        problem_id=listing.problem_id,
        micro_task_id=listing.micro_task_id,
    )
    session.add(contract)
    session.flush()
    ensure_document(session, contract)
    record_event(
        session, contract, kind="created", detail="Bid accepted; the contract awaits both parties' acceptance."
    )
    assert contract.id is not None and contract.funding_expires_at is not None
    # The two members' thread, tied now so that opening the contract only reads (messages.thread_for_contract)
    messages.thread_for_contract(session, contract_id=contract.id)
    scheduler.schedule(
        session,
        key=f"expire_unfunded:contract:{contract.id}",
        kind="expire_unfunded",
        run_at=contract.funding_expires_at,
        contract_id=contract.id,
    )
    return contract


def _below_minimum(bid: Bid, fee_bps: int) -> str:
    price = Money(bid.amount_minor, bid.currency).format()
    lowest = Money(minimum_price(bid.currency, fee_bps), bid.currency).format()
    return (
        f"This bid of {price} is below the minimum of {lowest} at today's {bps_label(fee_bps)} platform fee, "
        "so it cannot become a contract; ask the bidder to raise it."
    )


def ensure_document(session: Session, contract: Contract) -> ContractDocument:
    """The current document; generated from the listing and the bid if the contract has none yet."""
    assert contract.id is not None
    found = session.exec(
        select(ContractDocument).where(
            ContractDocument.contract_id == contract.id, ContractDocument.version == contract.document_version
        )
    ).first()
    if found is not None:
        return found
    listing = session.get(Listing, contract.listing_id)
    bid = session.get(Bid, contract.bid_id)
    client = session.get(Profile, contract.client_id)
    contractor = session.get(Profile, contract.contractor_id)
    assert listing is not None and bid is not None and client is not None and contractor is not None
    settings = get_settings()
    terms = contract_document.Terms(
        listing_title=listing.title,
        listing_description=listing.description,
        skills=listing.skills_text,
        bid_message=bid.message,
        client_name=client.display_name,
        contractor_name=contractor.display_name,
        amount_minor=contract.amount_minor,
        currency=contract.currency,
        delivery_days=contract.delivery_days,
        fee_bps=contract.fee_bps,
        max_revisions=contract.max_revisions,
        auto_release_days=contract.auto_release_days,
        funding_days=settings.unfunded_expiry_days,
        review_days=settings.review_window_days,
    )
    document = ContractDocument(
        contract_id=contract.id,
        version=contract.document_version,
        title=f"Contract for “{listing.title}”"[:160],
        body=contract_document.render(terms),
    )
    session.add(document)
    session.flush()
    return document


def acceptances(session: Session, contract: Contract) -> dict[int, ContractAcceptance]:
    """Who accepted the current version, by user id."""
    rows = session.exec(
        select(ContractAcceptance).where(
            ContractAcceptance.contract_id == contract.id, ContractAcceptance.version == contract.document_version
        )
    ).all()
    return {row.user_id: row for row in rows}


def accept_terms(session: Session, *, viewer: Viewer | None, contract_id: object, version: object) -> bool:
    """The viewer accepts the document at `version` (the one they read); returns True once both have accepted."""
    contract = locked_party_contract(session, viewer=viewer, contract_id=contract_id)
    actor = require_active(viewer)
    if contract.status != "awaiting_acceptance":
        raise ValidationFailed({"form": "This contract is no longer waiting for acceptance."})
    if version != contract.document_version:
        raise ValidationFailed({"form": "The contract changed since you opened it; please read it again."})
    accepted = acceptances(session, contract)
    if actor.user_id not in accepted:
        assert contract.id is not None
        session.add(
            ContractAcceptance(contract_id=contract.id, user_id=actor.user_id, version=contract.document_version)
        )
        session.flush()
        record_event(
            session,
            contract,
            kind="accepted",
            detail=f"{actor.display_name} accepted the contract.",
            actor_id=actor.user_id,
        )
        accepted = acceptances(session, contract)
    if {contract.client_id, contract.contractor_id} <= set(accepted) and contract.funding_source == "problem":
        start_problem_funded_work(session, contract)
        return True
    if {contract.client_id, contract.contractor_id} <= set(accepted):
        move(session, contract, "awaiting_funding")
        record_event(session, contract, kind="agreed", detail="Both parties accepted; the client can fund the escrow.")
        notify(
            session,
            user_id=contract.client_id,
            kind="contract",
            title="Your contract is agreed: fund the escrow to start",
            body="Both parties accepted the contract. Work starts once the escrow is funded.",
            link=f"/contracts/{contract.id}",
        )
        return True
    other = contract.contractor_id if actor.user_id == contract.client_id else contract.client_id
    notify(
        session,
        user_id=other,
        kind="contract",
        title=f"{actor.display_name} accepted the contract",
        body="Read and accept it too so the work can be funded.",
        link=f"/contracts/{contract.id}",
    )
    return False


def start_problem_funded_work(session: Session, contract: Contract) -> None:
    """Both accepted a contract whose escrow its problem funded when the bid was accepted: work starts now, as when
    a client's payment funds one (due date, deadline job, no expiry)."""
    assert contract.id is not None
    now = utcnow()
    contract.funded_at, contract.due_at = now, due_at(now, contract.delivery_days)
    move(session, contract, "funded")
    scheduler.cancel_pending(session, contract_id=contract.id, kinds=["expire_unfunded"])
    scheduler.schedule(
        session,
        key=f"deadline_passed:contract:{contract.id}",
        kind="deadline_passed",
        run_at=contract.due_at,
        contract_id=contract.id,
    )
    price = Money(contract.amount_minor, contract.currency).format()
    record_event(session, contract, kind="funded", detail=f"Both accepted; the escrow holds {price} from the problem.")
    for user_id, body in (
        (contract.contractor_id, "The escrow is funded from the client's problem: you can start the work."),
        (contract.client_id, "The escrow holds the price from your problem's budget until you approve the delivery."),
    ):
        notify(
            session,
            user_id=user_id,
            kind="payment",
            title=f"Escrow funded: {price}",
            body=body,
            link=f"/contracts/{contract.id}",
        )
