"""Serving a file from the file store: its bytes are read off the event loop and after the database transaction
that checked the viewer has ended; the headers are those the routes set (a fixed type, a content disposition with
the file's name, no sniffing), and one byte range when the request asks for it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from jtbd_app.domain.byte_ranges import Unsatisfiable, requested_range
from jtbd_app.domain.errors import NotFound


async def read_off_loop(read: Callable[[], bytes]) -> bytes | None:
    """The bytes `read` returns (it may reach a bucket across the network); None when the file is gone."""
    try:
        return await run_in_threadpool(read)
    except NotFound:
        return None


def file_response(
    content: bytes,
    *,
    media_type: str,
    filename: str,
    disposition: str,
    headers: Mapping[str, str],
    range_header: str | None = None,
) -> Response:
    """The file as Starlette's FileResponse would name it (`filename*=` when the name needs quoting), or the one byte
    range the request asked for (206; 416 past its end), so that a download can be resumed."""
    quoted = quote(filename)
    named = (
        f"{disposition}; filename*=utf-8''{quoted}" if quoted != filename else f'{disposition}; filename="{filename}"'
    )
    sent = {**headers, "Content-Disposition": named, "Accept-Ranges": "bytes"}
    size = len(content)
    try:
        wanted = requested_range(range_header, size)
    except Unsatisfiable:
        return Response(
            b"", status_code=416, media_type=media_type, headers={**sent, "Content-Range": f"bytes */{size}"}
        )
    if wanted is None:
        return Response(content, media_type=media_type, headers=sent)
    part = content[wanted.start : wanted.end + 1]
    return Response(
        part, status_code=206, media_type=media_type, headers={**sent, "Content-Range": wanted.content_range(size)}
    )
