"""Verified gateway events, each processed once: the event's row and its effect commit in one transaction.

A gateway delivers an event at least once and retries until it gets a 2xx. Storing the event id with the effect
means a repeat finds the row and changes nothing, and a crash before commit leaves neither, so the retry does
the work. Two deliveries of one event at the same moment meet at the primary key: the second waits for the
first to commit and then reads as a duplicate.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from jtbd_app.domain.errors import DomainError
from jtbd_app.models import WebhookEvent
from jtbd_app.services.contracts import payment_events
from jtbd_app.services.ports import GatewayEvent

log = logging.getLogger(__name__)
DUPLICATE = "duplicate"
IGNORED = "ignored"


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
    handler = payment_events.HANDLERS.get(event.kind)
    if handler is None:
        outcome = IGNORED
    else:
        try:
            with session.begin_nested():
                outcome = handler(session, event)
        except DomainError as exc:
            outcome = f"not applied: {exc.message}"
    log.info("%s event %s (%s): %s", gateway_name, event.id, event.kind, outcome)
    row.outcome = outcome[:200]
    session.add(row)
    return outcome
