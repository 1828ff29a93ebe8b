"""Stripe Express onboarding by plain HTTP: account links expire, so this route mints a fresh one each visit.

It is both where "Set up payouts" leads and the account link's `refresh_url`; the member comes back to /wallet.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from jtbd_app import bootstrap
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.contracts import payouts
from jtbd_app.services.viewer import SESSION_COOKIE, viewer_from_token

ONBOARDING_PATH = payouts.ONBOARDING_PATH


async def onboarding(request: Request) -> Response:
    with session_scope() as session:
        viewer = viewer_from_token(session, request.cookies.get(SESSION_COOKIE))
    if viewer is None:
        return RedirectResponse(f"/login?next={ONBOARDING_PATH}", status_code=303)
    try:
        setup = await payouts.set_up_payouts(session_factory=session_scope, gateway=bootstrap.gateway(), viewer=viewer)
    except DomainError:  # a refusal, or the gateway failed: the wallet says so
        return RedirectResponse("/wallet?payouts=failed", status_code=303)
    return RedirectResponse(setup.url, status_code=303)
