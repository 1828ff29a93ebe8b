"""A page's URL query parameters as its state reads them, from the router (state/boundary) or from the request itself
(api/page_files fills a page in before it is sent): the same cuts both ways, so both see the same search."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl

MAX_QUERY_TEXT = 2_000  # a URL parameter longer than this is not one our pages write
MAX_QUERY_NAME = 100


def cut_params(raw: Mapping[str, object]) -> dict[str, str]:
    """Text parameters only, each name and value cut to its limit."""
    return {str(k)[:MAX_QUERY_NAME]: v[:MAX_QUERY_TEXT] for k, v in raw.items() if isinstance(v, str)}


def params_of(query_string: str) -> dict[str, str]:
    """A raw query string read as the router reads it (a repeated name: its last value), then cut."""
    return cut_params(dict(parse_qsl(query_string)))
