"""The one byte range a download asks for (`Range: bytes=…`, RFC 9110 §14): resuming a download, or a player
seeking in a delivered video. Several ranges in one request are answered with the whole file, as a server may."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ONE_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as Content-Range writes it

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class Unsatisfiable(Exception):
    """A range that starts past the end of the file (answered 416 with the file's size)."""


def requested_range(header: str | None, size: int) -> ByteRange | None:
    """The range `header` asks for within a file of `size` bytes; None for the whole file (no header, a form this does
    not serve, or a range covering it all). Raises Unsatisfiable for one that lies outside the file."""
    found = _ONE_RANGE.fullmatch((header or "").strip().replace(" ", ""))
    if found is None:
        return None
    first, last = found.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0:
            raise Unsatisfiable()
        start, end = max(size - suffix, 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if last and int(last) < start:
            return None  # not a valid range: ignored, the whole file
        if start >= size:
            raise Unsatisfiable()
    if size == 0 or (start == 0 and end == size - 1):
        return None
    return ByteRange(start, end)
