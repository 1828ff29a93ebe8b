"""Serving a file from the file store: found off the event loop and after the database transaction that checked the
viewer has ended, then streamed in pieces as the client takes them (a 500 MB delivery is never held in memory, and a
resumed download reads only what it asks for); the headers are those the routes set (a fixed type, a content
disposition with the file's name, no sniffing), and one byte range when the request asks for it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from jtbd_app.domain.byte_ranges import Unsatisfiable, requested_range
from jtbd_app.domain.errors import NotFound
from jtbd_app.services.file_storage import StoredBytes


async def find_off_loop(find: Callable[[], StoredBytes]) -> StoredBytes | None:
    """The file `find` names (it may ask a bucket across the network); None when it is gone."""
    try:
        return await run_in_threadpool(find)
    except NotFound:
        return None


def file_response(
    stored: StoredBytes,
    *,
    media_type: str,
    filename: str,
    disposition: str,
    headers: Mapping[str, str],
    range_header: str | None = None,
    head: bool = False,
) -> Response:
    """The file as Starlette's FileResponse would name it (`filename*=` when the name needs quoting), or the one byte
    range the request asked for (206; 416 past its end), so that a download can be resumed. The pieces are read in
    a worker thread as they are sent (StreamingResponse iterates a plain iterator off the event loop). A HEAD request gets the same
    headers and reads nothing (Starlette's StreamingResponse would read the whole file, then drop it)."""
    quoted = quote(filename)
    named = (
        f"{disposition}; filename*=utf-8''{quoted}" if quoted != filename else f'{disposition}; filename="{filename}"'
    )
    sent = {**headers, "Content-Disposition": named, "Accept-Ranges": "bytes"}
    size = stored.size
    try:
        wanted = requested_range(range_header, size)
    except Unsatisfiable:
        return Response(
            b"", status_code=416, media_type=media_type, headers={**sent, "Content-Range": f"bytes */{size}"}
        )
    if wanted is None:
        whole = {**sent, "Content-Length": str(size)}
        if head:
            return Response(b"", media_type=media_type, headers=whole)
        return StreamingResponse(stored.chunks(), media_type=media_type, headers=whole)
    part = {**sent, "Content-Length": str(wanted.end - wanted.start + 1), "Content-Range": wanted.content_range(size)}
    if head:
        return Response(b"", status_code=206, media_type=media_type, headers=part)
    return StreamingResponse(
        stored.chunks(wanted.start, wanted.end), status_code=206, media_type=media_type, headers=part
    )
