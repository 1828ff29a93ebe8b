"""The served `/listings/N` with the listing's summary filled in (api/page_files): its title, facts, description and
poster show with the page's first paint, before any script has run, and the page's state shows the same markup once
it has loaded. Only what any visitor may see is filled in: a draft, a hidden listing or a missing one leaves the
loading state, and the page's own load decides what this viewer sees."""

from __future__ import annotations

import re

from jtbd_app.api.page_files import Fill
from jtbd_app.db import read_scope
from jtbd_app.domain.errors import NotFound
from jtbd_app.services.marketplace import listing_view
from jtbd_app.services.marketplace.listing_html import LOADING_HTML, PATH_PREFIX, REGION_ID, listing_html, listing_id_of


def summary_for(path: str, query_string: str = "") -> str | None:
    """Public: the summary a visitor who is not signed in would see for the listing at `path`; None if there is none."""
    listing_id = listing_id_of(path)
    if listing_id is None:
        return None
    try:
        with read_scope() as session:
            return listing_html(listing_view.listing_detail(session, viewer=None, listing_id=listing_id))
    except NotFound:
        return None


def listing_fills(prefix: str = "") -> dict[str, Fill]:
    """The region page_files fills in on a listing's page, under the frontend's path `prefix`."""
    return {re.escape(prefix.rstrip("/") + PATH_PREFIX) + r"[0-9]+/?": Fill(REGION_ID, LOADING_HTML, summary_for)}
