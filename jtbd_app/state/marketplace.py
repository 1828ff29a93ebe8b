"""/marketplace: anyone searches open listings; the filters live in the URL so that a search can be shared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app.db import read_scope
from jtbd_app.domain.listing_query import MAX_TEXT_LEN, ListingQuery
from jtbd_app.services.marketplace import listing_search
from jtbd_app.services.marketplace.listing_search import SearchPage
from jtbd_app.services.marketplace.results_html import LOADING_HTML, PATH, REGION_ID, results_html
from jtbd_app.state import forms
from jtbd_app.state.boundary import query_params
from jtbd_app.state.changes import assign_changed
from jtbd_app.state.session import SessionState
from jtbd_app.state.skill_tags import SkillTagsMixin

FORM_ID = "marketplace-search"
# A filter applies as soon as it changes: the form submits itself (its own handler then builds the URL).
SUBMIT_FORM_JS = f"document.getElementById('{FORM_ID}')?.requestSubmit()"
# The results region's id, and what it shows while a search runs (pages import no service).
RESULTS_ID = REGION_ID
RESULTS_LOADING = LOADING_HTML
MAX_PARAM_LEN = MAX_TEXT_LEN + 50  # longer text is cut before it reaches the URL; the field says so
# Form fields and the value that means "no filter": left out of the URL.
FORM_DEFAULTS = {
    "q": "",
    "category": "",
    "min": "",
    "max": "",
    "currency": "USD",
    "remote": "any",
    "location": "",
    "due": "any",
    "sort": "relevance",
}


class FilterForm(TypedDict, total=False):
    q: str
    category: str
    min: str
    max: str
    currency: str
    remote: str
    location: str
    due: str
    sort: str
    skill_draft: str  # the tags are read from `edit_skills` and `skill_draft`


class MarketplaceState(SkillTagsMixin, SessionState):
    loaded: bool = False
    # The results region (the count, the cards, the pager), built on the server (services/marketplace/results_html);
    # the served page holds the same markup before its scripts run (api/page_files).
    results_html: str = ""
    filter_count: int = 0  # filters set beyond the words and the order
    filters_open: bool = False
    form_key: int = 0  # changes when the URL's values differ from the form's, so the form shows them again
    spelling_note: str = ""  # "Showing results for “python”." when typos were corrected
    # The URL parameters the form shows (what this browser last applied): a load of the same ones keeps the form as
    # it is, so a filter applied at once keeps the focus where the person is.
    _form_params: dict[str, str] = {}
    # The form, as the URL says (text fields as typed, so that a refused value shows next to its message).
    q: str = ""
    category: str = ""
    min_budget: str = ""
    max_budget: str = ""
    currency: str = "USD"
    remote: str = "any"
    location: str = ""
    due: str = "any"
    sort: str = "relevance"

    @rx.event
    def load_marketplace(self) -> Iterator[None]:
        """Public: the service checks the query string. "Searching listings…" shows while a search runs on a page
        showing results; a kept page (public_cache) shows at once. A first visit shows it anyway."""
        self._refresh_viewer()
        raw = query_params(self)
        if self.loaded and not listing_search.probably_kept(raw):  # a search to run on a page that shows results
            self.loaded = False
            yield
        with read_scope() as session:  # a read: on SQLite it does not wait for, nor hold up, the writers
            result = listing_search.search_from_params(session, params=raw)
        self._show_results(result)
        self._show_form(result.query, raw)
        assign_changed(self, loaded=True)

    def _show_results(self, result: SearchPage) -> None:
        assign_changed(self, results_html=results_html(result))

    def _show_form(self, query: ListingQuery, raw: dict[str, str]) -> None:
        """The filter form as the URL says: a refused value shows as typed, next to its message."""
        filter_count = query.filter_count
        wanted_open = filter_count > 0 or bool(set(query.errors) - {"q", "sort"})
        params = {name: value for name, value in raw.items() if name != "page"}
        shown = params == self._form_params  # the form already shows these: leave it (and its open panel) alone
        self._form_params = params
        echo = {name: raw.get(name, "")[:MAX_PARAM_LEN] for name in ("min", "max", "location")}
        assign_changed(
            self,
            errors=dict(query.errors),
            filter_count=filter_count,
            filters_open=(self.filters_open or wanted_open) if shown else wanted_open,
            q=query.text,
            category=query.category,
            currency=query.currency,
            min_budget=echo["min"],
            max_budget=echo["max"],
            location=echo["location"],
            remote=query.remote,
            due=query.due,
            sort=query.sort,
            edit_skills=list(query.skills),
            skill_draft="",
            skill_suggestions=[],
        )
        if not shown:
            self.form_key += 1

    @rx.event
    def ping(self) -> None:
        """Public and harmless: changes nothing and reads nothing. `make load` times it as the floor of a marketplace
        event (F1): what any handler of this state costs before it does any work."""

    @rx.event
    def apply_filters(self, form: FilterForm) -> EventSpec:
        """Public: only builds the URL to load (and remembers it as the form's); load_marketplace checks every value."""
        params = self._filter_params(forms.values(form))
        self._form_params = dict(params)
        self.loaded = False
        return rx.redirect(f"{PATH}?{urlencode(params)}" if params else PATH)

    def _skills_changed(self) -> EventSpec:
        return rx.call_script(SUBMIT_FORM_JS)

    def _filter_params(self, form: dict[str, Any]) -> dict[str, str]:
        """The typed filters and skill tags as URL parameters: defaults left out, long values cut."""
        params: dict[str, str] = {}
        for name, default in FORM_DEFAULTS.items():
            value = form.get(name)
            text = " ".join(value.split())[:MAX_PARAM_LEN] if isinstance(value, str) else ""
            if text and text != default:
                params[name] = text
        skills = [*self.edit_skills, self.skill_draft] if self.skill_draft.strip() else list(self.edit_skills)
        if skills:
            params["skills"] = ",".join(skills)[: MAX_PARAM_LEN * 4]
        if ("min" in params or "max" in params) and isinstance(form.get("currency"), str):
            params["currency"] = str(form["currency"])[:3]
        return params
