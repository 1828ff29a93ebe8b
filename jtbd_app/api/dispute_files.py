"""GET /api/disputes/files/{file_id}: a dispute's evidence file, for the contract's parties and admins only.

Everyone else (visitors, other members, a file that does not exist) gets the same 404, as for delivery files. The
file is always a download, never rendered by the browser.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from jtbd_app.api.stored_files import file_response, find_off_loop
from jtbd_app.db import read_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.trust import dispute_files, dispute_steps
from jtbd_app.services.viewer import SESSION_COOKIE, viewer_from_token


async def download_file(request: Request) -> Response:
    try:
        with read_scope() as session:
            viewer = viewer_from_token(session, request.cookies.get(SESSION_COOKIE))
            opened = dispute_files.open_for_viewer(session, viewer=viewer, file_id=request.path_params["file_id"])
    except DomainError:
        opened = None
    found = await find_off_loop(opened.to_send) if opened is not None else None
    if opened is None or found is None:
        return PlainTextResponse(dispute_steps.FILE_NOT_FOUND, status_code=404, headers={"Cache-Control": "no-store"})
    return file_response(
        found,
        media_type=opened.content_type or "application/octet-stream",
        filename=opened.filename,
        disposition="attachment",
        headers={
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
        range_header=request.headers.get("range"),
        head=request.method == "HEAD",
    )
