"""GET /api/photos/{photo_key}/{side}: a member's profile photo, with the care delivery files get.

The bytes are only ever the JPEG we re-encoded (never the upload), served as image/jpeg with no sniffing, as an
inline file with a fixed name, under a script-less sandbox. Photos are public, but a removed photo must stop being
seen: every use is revalidated (`no-cache` with an ETag), so once it is removed the next look gets a 404. Anything
unknown is the same 404.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from jtbd_app.api.stored_files import file_response, find_off_loop
from jtbd_app.db import read_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.domain.profile_photo import CONTENT_TYPE
from jtbd_app.services.accounts import profile_photos

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, no-cache",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def _no_such_photo() -> Response:
    return PlainTextResponse(profile_photos.NO_SUCH_PHOTO, status_code=404, headers={"Cache-Control": "no-store"})


async def photo(request: Request) -> Response:
    key, side = request.path_params["photo_key"], request.path_params["side"]
    try:
        with read_scope() as session:
            stored = profile_photos.open_photo(session, photo_key=key, side=side)
    except DomainError:
        return _no_such_photo()
    etag = f'"{key}-{side}"'
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers={**HEADERS, "ETag": etag})
    found = await find_off_loop(lambda: profile_photos.photo_to_send(stored))
    if found is None:
        return _no_such_photo()
    return file_response(
        found,
        media_type=CONTENT_TYPE,
        filename=f"photo-{side}.jpg",
        disposition="inline",
        headers={**HEADERS, "ETag": etag},
        range_header=request.headers.get("range"),
        head=request.method == "HEAD",
    )
