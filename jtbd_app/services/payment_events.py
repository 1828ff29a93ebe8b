"""PLACEHOLDER (branch stripe only): the lead's payment_events.py replaces this file on merge.

What each verified gateway event does to contracts and the ledger: kind -> handler returning a short outcome.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from jtbd_app.services.ports import GatewayEvent

HANDLERS: dict[str, Callable[[Session, GatewayEvent], str]] = {}
