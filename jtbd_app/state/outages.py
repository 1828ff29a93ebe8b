"""The app's handler of exceptions no event handler caught: an outage of the database or Redis becomes a message
saying what happened and what to do (see `services.outages`); anything else keeps Reflex's default (logged, and
"Contact the website administrator")."""

# No `from __future__ import annotations`: Reflex reads this handler's annotations as types when the app starts.

import logging

import reflex as rx
from reflex.app import default_backend_exception_handler
from reflex.event import EventSpec

from jtbd_app.services.outages import outage_message

log = logging.getLogger(__name__)


def backend_exception_handler(exception: Exception) -> EventSpec:
    message = outage_message(exception)
    if not message:
        return default_backend_exception_handler(exception)
    log.error("An event failed because a backing service was away: %s: %s", type(exception).__name__, exception)
    return rx.toast.error(message, id="backend_error", duration=20_000, position="top-center")
