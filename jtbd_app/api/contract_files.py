"""GET /api/contracts/files/{file_id}: a delivery file, for the contract's parties and admins only.

Everyone else (visitors, other members, a file that does not exist) gets the same 404, so the route tells nobody
which files exist. The file is always a download, never rendered by the browser.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from jtbd_app.api.stored_files import file_response, find_off_loop
from jtbd_app.db import read_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.services.contracts import delivery_files
from jtbd_app.services.viewer import SESSION_COOKIE, viewer_from_token

NOT_FOUND = delivery_files.NOT_FOUND


async def download_file(request: Request) -> Response:
    try:
        with read_scope() as session:
            viewer = viewer_from_token(session, request.cookies.get(SESSION_COOKIE))
            row = delivery_files.open_for_viewer(session, viewer=viewer, file_id=request.path_params["file_id"])
            filename, content_type, key = row.filename, row.content_type, row.storage_key
    except DomainError:
        return PlainTextResponse(NOT_FOUND, status_code=404, headers={"Cache-Control": "no-store"})
    found = await find_off_loop(lambda: delivery_files.file_to_send(key))
    if found is None:
        return PlainTextResponse(NOT_FOUND, status_code=404, headers={"Cache-Control": "no-store"})
    return file_response(
        found,
        media_type=content_type or "application/octet-stream",
        filename=filename,
        disposition="attachment",
        headers={
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            # Even a browser that renders it anyway runs nothing in it (files stored before the allow-list, too).
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
        range_header=request.headers.get("range"),
        head=request.method == "HEAD",
    )
