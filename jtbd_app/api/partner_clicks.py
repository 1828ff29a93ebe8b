"""`GET /go/{token}`: a Delegate menu link. It counts the click and answers 303 to the partner's page; anything else
is the same plain 404, whatever was wrong (`services/delegate/clicks`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.services.delegate import clicks

NO_STORE = {"Cache-Control": "no-store"}


def not_found() -> Response:
    return PlainTextResponse("Not found.", status_code=404, headers=NO_STORE)


async def go(request: Request) -> Response:
    adapters = bootstrap.partners(get_settings())

    def hosts_for(key: str) -> tuple[str, ...] | None:
        adapter = adapters.get(key)
        return tuple(adapter.hosts) if adapter is not None else None

    with session_scope() as session:
        url = clicks.follow(session, str(request.path_params.get("token", "")), hosts_for)
    if url is None:
        return not_found()
    return RedirectResponse(url, status_code=303, headers=NO_STORE)
