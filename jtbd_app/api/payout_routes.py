"""Stripe Express onboarding by plain HTTP: account links expire, so this route mints a fresh one each visit.

It is both where "Set up payouts" leads and the account link's `refresh_url`; the member comes back to /wallet.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.contracts import payouts
from jtbd_app.services.ports import PaymentFailed
from jtbd_app.services.viewer import SESSION_COOKIE, viewer_from_token

ONBOARDING_PATH = payouts.ONBOARDING_PATH


async def onboarding(request: Request) -> Response:
    with session_scope() as session:
        viewer = viewer_from_token(session, request.cookies.get(SESSION_COOKIE))
    if viewer is None:
        return RedirectResponse(f"/login?next={ONBOARDING_PATH}", status_code=303)
    base = get_settings().app_url.rstrip("/")
    try:
        url = await payouts.start_onboarding(
            session_factory=session_scope,
            gateway=bootstrap.gateway(),
            viewer=viewer,
            refresh_url=f"{base}{ONBOARDING_PATH}",
            return_url=f"{base}{payouts.RETURN_PATH}",
        )
    except (PaymentFailed, DomainError):
        return RedirectResponse("/wallet?payouts=failed", status_code=303)
    return RedirectResponse(url, status_code=303)
