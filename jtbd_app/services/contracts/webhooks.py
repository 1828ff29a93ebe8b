"""Verified gateway events, each processed once: the event's row and its effect commit in one transaction.

A gateway delivers an event at least once and retries until it gets a 2xx. Storing the event id with the effect
means a repeat finds the row and changes nothing, and any failure before commit leaves neither, so the retry does
the work. Two deliveries of one event at the same moment meet at the primary key: the second waits for the
first to commit and then reads as a duplicate.

Events arrive in any order. One about a payment whose success we have not recorded (a refund or a dispute before
`payment_intent.succeeded`) is kept, waiting for that payment, and applied right after its success is.
"""

from __future__ import annotations

import dataclasses
import json
import logging

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from jtbd_app.domain.errors import DomainError
from jtbd_app.models import User, WebhookEvent
from jtbd_app.services.contracts import payment_events
from jtbd_app.services.contracts.funding import PaymentNotYet
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.ports import GatewayEvent

log = logging.getLogger(__name__)
DUPLICATE = "duplicate"
IGNORED = "ignored"
LEFT_FOR_ADMIN = "left for an administrator"
ADMIN_QUEUE = "/admin/disputes"


def process_event(session: Session, *, gateway_name: str, event: GatewayEvent) -> str:
    """Record the event and apply it once; returns the outcome ("duplicate" when it was seen before).

    A handler's `DomainError` (an event that is not ours, or no longer applies) is recorded as the outcome with
    none of the handler's changes; any other exception propagates, so nothing is stored and the gateway retries.
    """
    if session.get(WebhookEvent, event.id) is not None:
        return DUPLICATE
    row = WebhookEvent(id=event.id, gateway=gateway_name, type=event.kind[:60])
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return DUPLICATE  # a concurrent delivery of the same event committed first
    outcome = _apply(session, row, event)
    log.info("%s event %s (%s): %s", gateway_name, event.id, event.kind, outcome)
    if event.kind == "payment_intent.succeeded":
        apply_waiting(session, payment_external_id=event.object_id)
    return outcome


def _apply(session: Session, row: WebhookEvent, event: GatewayEvent) -> str:
    handler = payment_events.HANDLERS.get(event.kind)
    if handler is None:
        outcome = IGNORED
    else:
        try:
            with session.begin_nested():
                outcome = handler(session, event)
            row.waiting_for = None
        except PaymentNotYet as exc:
            row.waiting_for, row.payload = exc.external_id[:80], json.dumps(dataclasses.asdict(event))
            outcome = f"waiting for payment {exc.external_id}"
        except DomainError as exc:
            row.waiting_for = None
            outcome = f"not applied: {exc.message}"
    row.outcome = outcome[:200]
    session.add(row)
    if LEFT_FOR_ADMIN in outcome:
        _tell_admins(session, gateway_name=row.gateway, event=event, outcome=outcome)
    return outcome


def _tell_admins(session: Session, *, gateway_name: str, event: GatewayEvent, outcome: str) -> None:
    """An event no rule could book waits for a person: every active administrator is told, in the unit of work that
    stores the event, so a second delivery of it (a duplicate) tells nobody again."""
    admins = session.exec(select(User.id).where(User.role == "admin", User.status == "active")).all()
    for admin_id in admins:
        if admin_id is not None:
            notify(
                session,
                user_id=admin_id,
                kind="admin_attention",
                title="A payment event needs an administrator",
                body=f"{gateway_name} event {event.id} ({event.kind}): {outcome}.",
                link=ADMIN_QUEUE,
            )


def apply_waiting(session: Session, *, payment_external_id: str) -> int:
    """Apply, in the order they came, the events that waited for this payment; returns how many were applied."""
    waiting = session.exec(
        select(WebhookEvent)
        .where(WebhookEvent.waiting_for == payment_external_id)
        .order_by(col(WebhookEvent.received_at), col(WebhookEvent.id))
    ).all()
    applied = 0
    for row in waiting:
        outcome = _apply(session, row, GatewayEvent(**json.loads(row.payload)))
        if row.waiting_for is None:
            applied += 1
            log.info("event %s (%s) applied after its payment: %s", row.id, row.type, outcome)
    return applied
