"""Serving a file from the file store: its bytes are read off the event loop and after the database transaction
that checked the viewer has ended; the headers are those the routes set (a fixed type, a content disposition with
the file's name, no sniffing)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from jtbd_app.domain.errors import NotFound


async def read_off_loop(read: Callable[[], bytes]) -> bytes | None:
    """The bytes `read` returns (it may reach a bucket across the network); None when the file is gone."""
    try:
        return await run_in_threadpool(read)
    except NotFound:
        return None


def file_response(
    content: bytes, *, media_type: str, filename: str, disposition: str, headers: Mapping[str, str]
) -> Response:
    """The file as Starlette's FileResponse would name it (`filename*=` when the name needs quoting)."""
    quoted = quote(filename)
    named = (
        f"{disposition}; filename*=utf-8''{quoted}" if quoted != filename else f'{disposition}; filename="{filename}"'
    )
    return Response(content, media_type=media_type, headers={**headers, "Content-Disposition": named})
