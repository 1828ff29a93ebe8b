"""The Starlette app of plain HTTP routes, built by a factory and mounted into Reflex."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from jtbd_app import bootstrap
from jtbd_app.api import (
    auth_routes,
    contract_files,
    dispute_files,
    oidc_routes,
    partner_clicks,
    payout_routes,
    profile_photos,
    stripe_webhook,
)
from jtbd_app.config import get_settings
from jtbd_app.db import get_engine
from jtbd_app.services import health


async def healthz(request: Request) -> Response:
    """Ok or not ok for anyone (a load balancer); the detailed report only for the bearer of HEALTHZ_TOKEN."""
    settings = get_settings()
    healthy, report = health.check(engine=get_engine(), redis_url=settings.redis_url)
    status = 200 if healthy else 503
    if health.may_see_details(request.headers.get("authorization", ""), token=settings.healthz_token):
        return JSONResponse(report, status_code=status, headers={"Cache-Control": "no-store"})
    return JSONResponse({"status": "ok" if healthy else "not ok"}, status_code=status)


def create_api() -> Starlette:
    bootstrap.install_file_store()  # the file routes read through it wherever these routes are served (granian too)
    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/api/auth/complete", auth_routes.complete_sign_in, methods=["GET"]),
            Route("/api/auth/sign-out", auth_routes.sign_out, methods=["POST"]),
            Route("/api/auth/oidc/{provider}/login", oidc_routes.begin_login, methods=["GET"]),
            Route("/api/auth/oidc/{provider}/callback", oidc_routes.callback, methods=["GET"]),
            Route(payout_routes.ONBOARDING_PATH, payout_routes.onboarding, methods=["GET"]),
            Route("/api/stripe/webhook", stripe_webhook.receive, methods=["POST"]),
            Route("/api/contracts/files/{file_id}", contract_files.download_file, methods=["GET"]),
            Route("/api/disputes/files/{file_id}", dispute_files.download_file, methods=["GET"]),
            Route("/go/{token}", partner_clicks.go, methods=["GET"]),
            Route("/api/photos/{photo_key}/{side}", profile_photos.photo, methods=["GET"]),
        ]
    )
