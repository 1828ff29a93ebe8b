"""The served `/marketplace` with its results filled in for its URL (api/page_files): the listings show with the
page's first paint, and the page's state shows the same markup once it has loaded."""

from __future__ import annotations

import re

from jtbd_app.api.page_files import Fill
from jtbd_app.db import read_scope
from jtbd_app.domain.url_params import params_of
from jtbd_app.services.marketplace import listing_search
from jtbd_app.services.marketplace.results_html import LOADING_HTML, PATH, REGION_ID, results_html


def results_for(path: str, query_string: str) -> str:
    """Public: what the page's load would show for this query string (the same search, from the same cache)."""
    with read_scope() as session:
        return results_html(listing_search.search_from_params(session, params=params_of(query_string)))


def marketplace_fills(prefix: str = "") -> dict[str, Fill]:
    """The regions page_files fills in, under the frontend's path `prefix`."""
    return {re.escape(prefix.rstrip("/") + PATH): Fill(REGION_ID, LOADING_HTML, results_for)}
