"""Following a link the Delegate menu offered: `/go/<token>` counts the click and sends the browser on, but only to a
host of that link's partner, and only while the partner is offered. Everything else is simply not found, the same
way whatever was wrong, so the route is no open redirect and tells nothing about tokens, tasks or partners."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlmodel import Session

from jtbd_app.domain.partner_links import host_allowed
from jtbd_app.models import Partner, RouteOffer, utcnow
from jtbd_app.services.delegate import partners

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
HostsFor = Callable[[str], "tuple[str, ...] | None"]


def follow(session: Session, token: str, hosts_for: HostsFor) -> str | None:
    """Where an offered link goes, counted as a click (and the offer marked clicked the first time); None for an
    unknown or malformed token, a suspended or unregistered partner, or a URL off the partner's hosts."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    offer = session.get(RouteOffer, token)
    if offer is None:
        return None
    partner = session.get(Partner, offer.partner_key)
    hosts = hosts_for(offer.partner_key)
    if partner is None or partner.status != "active" or not hosts or not host_allowed(offer.url, hosts):
        return None
    if offer.clicked_at is None:
        offer.clicked_at = utcnow()
        session.add(offer)
    partners.record_click(session, offer.partner_key)
    return offer.url
