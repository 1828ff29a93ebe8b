"""Delivering work and the client's answer: approve (the escrow is released), or ask for a revision with a reason.

Silence is an answer too: `auto_release` releases the escrow `auto_release_days` after the latest delivery, and
the client is reminded a day before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from jtbd_app.config import get_settings
from jtbd_app.domain import text
from jtbd_app.domain.contract_rules import WORKING, Split, auto_release_at, due_at, overdue
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import Contract, Delivery, DeliveryFile, utcnow
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import completion, delivery_files, lifecycle, payouts, verification
from jtbd_app.services.contracts.delivery_files import MAX_FILES, IncomingFile
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.ports import PaymentGateway
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.viewer import Viewer, require_active

MAX_MESSAGE = 5000
MAX_REASON = 2000
MAX_LINKS = 10


def _clean_links(value: object) -> list[str]:
    raw = value.splitlines() if isinstance(value, str) else value if isinstance(value, list) else []
    links = [text.clean_url(item) for item in raw if isinstance(item, str) and item.strip()]
    if len(links) > MAX_LINKS:
        raise ValueError(f"Add at most {MAX_LINKS} links.")
    return list(dict.fromkeys(links))


def may_deliver(session: Session, *, viewer: Viewer | None, contract_id: object) -> Contract:
    """The contract, locked, if the viewer is its active contractor and work can be delivered now."""
    contract = lifecycle.locked_party_contract(session, viewer=viewer, contract_id=contract_id, role="contractor")
    require_active(viewer)
    if contract.status not in WORKING:
        raise ValidationFailed(
            {"form": "You can deliver once the escrow is funded, and not while a delivery awaits review."}
        )
    return contract


def submit_delivery(
    session: Session,
    *,
    viewer: Viewer | None,
    contract_id: object,
    message: object,
    links: object = "",
    files: list[IncomingFile] | None = None,
    reported_number: object = "",
) -> int:
    """The contractor hands in work; returns the delivery number. Files are stored privately. `reported_number` is
    read only on a micro-task whose evidence is a number; the delivery is then checked against its criteria."""
    contract = may_deliver(session, viewer=viewer, contract_id=contract_id)
    actor = require_active(viewer)
    errors: dict[str, str] = {}
    clean_message = clean_links = None
    try:
        clean_message = text.clean_paragraphs(message, label="Message", max_len=MAX_MESSAGE)
        if not clean_message:
            raise ValueError("Say what you delivered.")
        if text.has_html(clean_message):
            raise ValueError("Message cannot contain HTML.")
    except ValueError as exc:
        errors["message"] = str(exc)
    try:
        clean_links = _clean_links(links)
    except ValueError as exc:
        errors["links"] = str(exc)
    incoming = [f for f in files or [] if isinstance(f, IncomingFile)]
    try:
        delivery_files.check_files(incoming)
    except ValueError as exc:
        errors["files"] = str(exc)
    reported: int | None = None
    try:
        reported = verification.reported_number_for(session, contract, reported_number)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(errors)
    assert contract.id is not None and clean_message is not None and clean_links is not None
    number = 1 + int(session.exec(select(func.count()).where(Delivery.contract_id == contract.id)).one())
    now = utcnow()
    delivery = Delivery(
        contract_id=contract.id,
        number=number,
        message=clean_message,
        links="\n".join(clean_links),
        reported_number=reported,
        submitted_at=now,
    )
    session.add(delivery)
    session.flush()
    assert delivery.id is not None
    for item in incoming:
        stored = delivery_files.store(item)
        session.add(
            DeliveryFile(
                delivery_id=delivery.id,
                contract_id=contract.id,
                filename=stored.filename,
                content_type=stored.content_type,
                size_bytes=stored.size_bytes,
                sha256=stored.sha256,
                storage_key=stored.storage_key,
            )
        )
    contract.delivered_at, contract.cancel_requested_by = now, None
    lifecycle.move(session, contract, "delivered")
    verification.schedule_check(session, contract, delivery.id)
    scheduler.cancel_pending(session, contract_id=contract.id, kinds=["deadline_passed", "revision_due"])  # delivered
    release_at = auto_release_at(now, contract.auto_release_days)
    scheduler.schedule(
        session,
        key=f"auto_release:contract:{contract.id}:delivery:{number}",
        kind="auto_release",
        run_at=release_at,
        contract_id=contract.id,
    )
    scheduler.schedule(
        session,
        key=f"release_reminder:contract:{contract.id}:delivery:{number}",
        kind="release_reminder",
        run_at=release_at - timedelta(days=1),
        contract_id=contract.id,
    )
    lifecycle.record_event(
        session, contract, kind="delivered", detail=f"Delivery {number} submitted.", actor_id=actor.user_id
    )
    notify(
        session,
        user_id=contract.client_id,
        kind="delivery",
        title=f"{actor.display_name} delivered the work",
        body=f"Review it: approve to release the escrow, or ask for a revision. Without an answer the escrow is released automatically in {contract.auto_release_days} days.",
        link=f"/contracts/{contract.id}",
    )
    return number


# Reads at most `count` uploaded files, each cut at `size` bytes, into memory.
ReadFiles = Callable[[int, int], Awaitable[list[IncomingFile]]]


async def deliver(
    *,
    session_factory: SessionFactory,
    viewer: Viewer | None,
    contract_id: object,
    message: object,
    links: object,
    read_files: ReadFiles,
    reported_number: object = "",
) -> int:
    """The contractor hands in work with uploaded files; returns the delivery number. Who may deliver is checked
    (and committed) before `read_files` reads any upload into memory; one file and one byte more than allowed are
    enough for `submit_delivery` to refuse."""
    with session_factory() as session:
        may_deliver(session, viewer=viewer, contract_id=contract_id)
    limit = get_settings().delivery_max_file_mb * 1024 * 1024
    files = await read_files(MAX_FILES + 1, limit + 1)
    with session_factory() as session:
        return submit_delivery(
            session,
            viewer=viewer,
            contract_id=contract_id,
            message=message if isinstance(message, str) else "",
            links=links if isinstance(links, str) else "",  # the form's text only
            files=files,
            reported_number=reported_number if isinstance(reported_number, str) else "",
        )


async def approve_and_pay_out(
    *, session_factory: SessionFactory, gateway: PaymentGateway, viewer: Viewer | None, contract_id: object
) -> Split:
    """The client approves the delivery (the escrow is released and the payout queued in one unit of work), then
    the payout is sent at once if it can be: best effort, the scheduler sends it anyway."""
    with session_factory() as session:
        split = approve_delivery(session, viewer=viewer, contract_id=contract_id)
    await payouts.send_contract_payout_now(
        session_factory=session_factory, gateway=gateway, contract_id=lifecycle.contract_id_of(contract_id)
    )
    return split


def approve_delivery(session: Session, *, viewer: Viewer | None, contract_id: object) -> Split:
    contract = lifecycle.locked_party_contract(session, viewer=viewer, contract_id=contract_id, role="client")
    actor = require_active(viewer)
    if contract.status != "delivered":
        raise ValidationFailed({"form": "There is no delivery waiting for your approval."})
    if contract.release_frozen:
        raise ValidationFailed(
            {
                "form": "The escrow is frozen for an administrator (a payment dispute or refund); nothing can be released now."
            }
        )
    verification.record_client_decision(session, contract, passed=True)
    return completion.complete(
        session, contract, actor_id=actor.user_id, how=f"{actor.display_name} approved the delivery."
    )


def request_revision(
    session: Session, *, viewer: Viewer | None, contract_id: object, reason: object, criterion: object = None
) -> int:
    """Returns how many revisions are left. On a micro-task's contract the request cites the acceptance criterion
    the delivery does not meet (its position in the checklist); its text goes into the timeline and the notice."""
    contract = lifecycle.locked_party_contract(session, viewer=viewer, contract_id=contract_id, role="client")
    actor = require_active(viewer)
    if contract.status != "delivered":
        raise ValidationFailed({"form": "There is no delivery waiting for your review."})
    if contract.revisions_used >= contract.max_revisions:
        raise ValidationFailed(
            {"reason": "No revisions are left on this contract: approve the delivery, or contact an administrator."}
        )
    try:
        clean = text.clean_paragraphs(reason, label="Reason", max_len=MAX_REASON)
        if not clean:
            raise ValueError("Say what needs to change.")
        if text.has_html(clean):
            raise ValueError("Reason cannot contain HTML.")
    except ValueError as exc:
        raise ValidationFailed({"reason": str(exc)}) from exc
    cited = verification.cited_criterion(session, contract, criterion)
    if cited is not None:
        verification.record_client_decision(session, contract, passed=False, position=cited[0], reason=clean)
        clean = f"Not met: {cited[1]}\n{clean}"
    assert contract.id is not None
    latest = session.exec(
        select(Delivery).where(Delivery.contract_id == contract.id).order_by(col(Delivery.number).desc())
    ).first()
    assert latest is not None
    latest.status, latest.response, latest.responded_at = "revision_requested", clean, utcnow()
    session.add(latest)
    contract.revisions_used += 1
    contract.revision_due_at = due_at(utcnow(), contract.delivery_days)
    lifecycle.move(session, contract, "revision_requested")
    scheduler.cancel_pending(session, contract_id=contract.id, kinds=completion.RELEASE_JOBS)
    # The way out if no revision comes: at its due date both are told, and the client may cancel for a refund.
    scheduler.schedule(
        session,
        key=f"revision_due:contract:{contract.id}:revision:{contract.revisions_used}",
        kind="revision_due",
        run_at=contract.revision_due_at,
        contract_id=contract.id,
    )
    left = contract.max_revisions - contract.revisions_used
    due = contract.revision_due_at.strftime("%d %b %Y")
    lifecycle.record_event(
        session,
        contract,
        kind="revision_requested",
        detail=f"Revision requested ({left} left), due {due}: {clean}",
        actor_id=actor.user_id,
    )
    notify(
        session,
        user_id=contract.contractor_id,
        kind="delivery",
        title="The client asked for a revision",
        body=text.clean_paragraphs(clean[:300], label="Reason", max_len=300),
        link=f"/contracts/{contract.id}",
    )
    return left


def _latest_number(session: Session, contract_id: int) -> int:
    return int(session.exec(select(func.count()).where(Delivery.contract_id == contract_id)).one())


def auto_release(session: Session, *, contract_id: int, delivery_number: int, now: datetime) -> str:
    """The scheduled release: only if that delivery is still the one awaiting an answer and its time has come."""
    contract = lifecycle.locked_contract(session, contract_id)
    if contract is None or contract.id is None:
        return "no such contract"
    if contract.status != "delivered" or _latest_number(session, contract.id) != delivery_number:
        return f"nothing to release ({contract.status})"
    if contract.release_frozen:
        return "frozen for an administrator"
    assert contract.delivered_at is not None
    if now < auto_release_at(contract.delivered_at, contract.auto_release_days):
        return "not due yet"
    completion.complete(
        session, contract, actor_id=None, how=f"The client did not answer within {contract.auto_release_days} days."
    )
    return "released automatically"


def deadline_passed(session: Session, *, contract_id: int, now: datetime) -> str:
    """At the due date with nothing delivered, both parties are told; the client may now cancel for a refund."""
    contract = lifecycle.locked_contract(session, contract_id)
    if contract is None or not overdue(contract.status, contract.due_at, now, contract.revision_due_at):
        return "nothing overdue"
    what = "revision" if contract.status == "revision_requested" else "delivery"
    lifecycle.record_event(
        session, contract, kind="overdue", detail=f"The {what}'s due date passed without a delivery."
    )
    for user_id, body in (
        (
            contract.client_id,
            "Nothing was delivered by the due date. You may cancel for a full refund, or keep waiting.",
        ),
        (
            contract.contractor_id,
            "The due date passed without a delivery. Deliver now, or the client may cancel for a refund.",
        ),
    ):
        notify(
            session,
            user_id=user_id,
            kind="delivery",
            title="The delivery is overdue",
            body=body,
            link=f"/contracts/{contract_id}",
        )
    return "overdue"


def remind_release(session: Session, *, contract_id: int, delivery_number: int) -> str:
    contract = lifecycle.locked_contract(session, contract_id)
    if contract is None or contract.status != "delivered" or _latest_number(session, contract_id) != delivery_number:
        return "no reminder needed"
    notify(
        session,
        user_id=contract.client_id,
        kind="delivery",
        title="Tomorrow the escrow is released automatically",
        body="Approve the delivery or ask for a revision today if something is missing.",
        link=f"/contracts/{contract_id}",
    )
    return "reminded"
