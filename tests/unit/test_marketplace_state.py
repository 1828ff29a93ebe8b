"""The /marketplace state: filters come from the URL, Apply builds the URL, and no input crashes it."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from reflex.istate.data import RouterData
from sqlmodel import Session

from jtbd_app.state.boundary import REFUSAL
from jtbd_app.state.marketplace import MarketplaceState
from tests.support.factories import bid, make_listing
from tests.support.handlers import call, forget_sent, sent_vars, state_for
from tests.support.members import make_user, session_token
from tests.support.results_markup import read_region
from tests.support.viewers import viewer_of


def _load(url: str, token: str | None = None) -> Any:
    state = state_for(MarketplaceState, token=token, path=url)
    call(state, "load_marketplace")
    return state


def _redirect_target(spec: Any) -> tuple[str, dict[str, str]]:
    url = next(value._var_value for name, value in spec.args if str(name) == "path")
    parts = urlsplit(url)
    return parts.path, dict(parse_qsl(parts.query))


def test_an_anonymous_visitor_searches_with_the_filters_in_the_url(db: Session) -> None:
    owner = make_user("ann")
    make_listing(owner, title="Logo for a bakery", category="design", skills=("figma",))
    make_listing(owner, title="Logo script", category="software")

    state = _load("/marketplace?q=logo&category=design&sort=newest")

    assert state.loaded and not state.signed_in
    shown = read_region(state.results_html)
    assert shown.titles == ["Logo for a bakery"] and shown.text.startswith("1 listing · page 1 of 1")
    assert (state.q, state.category, state.sort) == ("logo", "design", "newest") and state.errors == {}
    assert (state.filter_count, state.filters_open) == (1, True)


def test_filters_stay_folded_for_a_plain_text_search(db: Session) -> None:
    state = _load("/marketplace?q=logo&sort=newest")
    assert (state.filter_count, state.filters_open) == (0, False)


def test_a_signed_in_member_sees_the_same_results_and_their_name(db: Session) -> None:
    make_listing(make_user("ann"), title="Logo for a bakery")
    state = _load("/marketplace?q=logo", token=session_token(make_user("bob")))
    assert state.signed_in and read_region(state.results_html).titles == ["Logo for a bakery"]


def test_refused_values_show_as_typed_next_to_their_message(db: Session) -> None:
    state = _load("/marketplace?min=-5&max=abc&category=nope&location=" + "x" * 500)
    assert set(state.errors) == {"min", "max", "category", "location"}
    assert (state.min_budget, state.max_budget, state.category) == ("-5", "abc", "")
    assert len(state.location) < 300


def test_page_links_keep_the_filters(db: Session) -> None:
    owner = make_user("ann")
    for i in range(45):
        make_listing(owner, title=f"Sofa move {i}", skills=())
    state = _load("/marketplace?q=sofa&remote=remote&page=2")
    shown = read_region(state.results_html)
    assert "page 2 of 3" in shown.text and shown.current_page == "Page 2"
    assert {name: href for name, href in shown.links.items() if "page" in name.lower()} == {
        "Previous page": "/marketplace?q=sofa&remote=remote",
        "Page 1": "/marketplace?q=sofa&remote=remote",
        "Page 3": "/marketplace?q=sofa&remote=remote&page=3",
        "Next page": "/marketplace?q=sofa&remote=remote&page=3",
    }


def test_apply_puts_the_filters_in_the_url_and_leaves_defaults_out(db: Session) -> None:
    state = _load("/marketplace")
    state.edit_skills = ["python"]
    state.skill_draft = "sql"
    form = {
        "q": "  logo   design ",
        "category": "design",
        "min": "10",
        "max": "",
        "currency": "EUR",
        "remote": "any",
        "location": "",
        "due": "any",
        "sort": "relevance",
    }
    path, params = _redirect_target(call(state, "apply_filters", form))
    assert path == "/marketplace"
    assert params == {"q": "logo design", "category": "design", "min": "10", "currency": "EUR", "skills": "python,sql"}
    assert not state.loaded  # the page shows its loading state until the new URL is searched


def test_apply_with_nothing_chosen_goes_to_the_bare_page(db: Session) -> None:
    state = _load("/marketplace?q=x")
    assert _redirect_target(call(state, "apply_filters", {"q": "", "sort": "relevance"})) == ("/marketplace", {})


@pytest.mark.parametrize("form", [None, 42, "q=x", ["q"], {"q": {"$ne": 1}, "min": 5, "sort": None}])
def test_apply_refuses_hostile_arguments(form: object, db: Session) -> None:
    state = _load("/marketplace")
    assert call(state, "apply_filters", form) is REFUSAL
    assert state.loaded  # nothing moved: the page still shows its search


def test_apply_cuts_huge_text_before_it_reaches_the_url(db: Session) -> None:
    state = _load("/marketplace")
    _, params = _redirect_target(call(state, "apply_filters", {"q": "x" * 1_000_000, "location": "<b>" * 1000}))
    assert len(params["q"]) <= 250 and len(params["location"]) <= 250
    state = _load("/marketplace?q=" + "x" * 5000)
    assert "q" in state.errors and state.loaded


def test_skills_are_chosen_from_suggestions_and_removed(db: Session) -> None:
    make_listing(make_user("ann"), title="Scraper", skills=("python", "pytest"))
    state = _load("/marketplace")
    call(state, "set_skill_draft", "pyt")
    assert sorted(state.skill_suggestions) == ["pytest", "python"]
    call(state, "add_skill", "python")
    call(state, "set_skill_draft", "Data  Analysis")
    call(state, "skill_key_down", "Enter")
    assert state.edit_skills == ["python", "data analysis"] and state.skill_draft == ""
    call(state, "remove_skill", "python")
    assert state.edit_skills == ["data analysis"]


def test_a_bad_skill_gets_a_message_and_is_not_added(db: Session) -> None:
    state = _load("/marketplace")
    for bad in ("<script>", None, 42, ["x"]):
        call(state, "add_skill", bad)
        call(state, "set_skill_draft", bad)
    call(state, "add_skill", "<script>")
    assert state.edit_skills == [] and "skills" in state.errors


def _navigate(state: Any, url: str) -> None:
    """The same tab opens another URL of the page (a redirect, back or forward, a link)."""
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    root.router = RouterData.from_router_data({"headers": {}, "pathname": "/marketplace", "asPath": url})
    call(state, "load_marketplace")


def test_a_filter_applied_from_the_form_keeps_the_form_and_another_url_rebuilds_it(db: Session) -> None:
    state = _load("/marketplace?q=logo")
    key = state.form_key
    form = {"q": "logo", "sort": "newest", "category": "design"}
    path, params = _redirect_target(call(state, "apply_filters", form))
    _navigate(state, f"{path}?{urlencode(params)}")
    assert state.sort == "newest" and state.category == "design" and state.loaded
    assert state.form_key == key  # the form already shows what it applied: the focus stays where it is
    _navigate(state, "/marketplace?q=logo")  # back
    assert state.form_key == key + 1 and state.sort == "relevance"
    _navigate(state, "/marketplace?q=logo&page=2")  # a page link keeps the form
    assert state.form_key == key + 1


def test_a_changed_skill_applies_the_form_at_once(db: Session) -> None:
    state = _load("/marketplace")
    assert "requestSubmit" in str(call(state, "add_skill", "python"))
    assert call(state, "add_skill", "python") is None  # already chosen: nothing changed
    call(state, "set_skill_draft", "sql")
    assert "requestSubmit" in str(call(state, "skill_key_down", "Enter"))
    assert "requestSubmit" in str(call(state, "remove_skill", "sql"))
    assert call(state, "remove_skill", "sql") is None


def test_a_typo_is_corrected_and_the_page_says_so(db: Session) -> None:
    make_listing(make_user("ann"), title="Python scraper", skills=())
    state = _load("/marketplace?q=pyhton")
    shown = read_region(state.results_html)
    assert shown.titles == ["Python scraper"] and shown.text.startswith("Showing results for “python”.")
    assert "results for" not in read_region(_load("/marketplace?q=python").results_html).text


def test_a_page_opened_again_unchanged_shows_at_once_and_sends_nothing_again(db: Session) -> None:
    """Back from a listing to the same search: the page is kept (public_cache), so no "Searching listings…" step,
    and nothing the tab already shows is sent again (Reflex sends every var a handler sets, equal or not)."""
    ann, bob = make_user("ann"), make_user("bob")
    listing = make_listing(ann, title="Logo for a bakery")
    state = _load("/marketplace?q=logo", token=session_token(bob))
    assert read_region(state.results_html).titles == ["Logo for a bakery"] and "results_html" in sent_vars(state)
    forget_sent(state)

    assert call(state, "load_marketplace") == []  # no step in between: the page was kept
    assert sent_vars(state) == set()

    assert listing.id is not None
    bid(viewer_of(make_user("cyd")), listing.id)  # a count moves: the cards go again, only they
    assert call(state, "load_marketplace") == []
    assert sent_vars(state) == {"results_html"} and "1 bid" in read_region(state.results_html).text


def test_a_new_search_on_a_page_with_results_says_searching_first(db: Session) -> None:
    make_listing(make_user("ann"), title="Logo for a bakery")
    state = _load("/marketplace?q=logo")
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    root.router = RouterData.from_router_data(
        {"headers": {}, "pathname": "/marketplace", "asPath": "/marketplace?q=bakery"}
    )
    fn = type(state).event_handlers["load_marketplace"].fn
    steps = fn(state)
    next(steps)  # the step Reflex sends before the search runs
    assert state.loaded is False
    assert list(steps) == [] and state.loaded and read_region(state.results_html).titles == ["Logo for a bakery"]
