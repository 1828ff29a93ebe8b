"""The boundary's own rules: the two crafted links of issue 11 (case 8), URL parameters read by type, setvar, and
what the wrapper keeps of a handler (its signature, its kind, its real exceptions)."""

from __future__ import annotations

import inspect
import logging
from typing import Any

import pytest
import reflex as rx
from sqlmodel import Session, select

from jtbd_app.domain.listing_query import ListingQuery
from jtbd_app.domain.money import parse_amount
from jtbd_app.models import Profile
from jtbd_app.state.boundary import (
    REFUSAL,
    PageNumber,
    QueryText,
    RecordId,
    query_param,
    query_params,
    route_arg,
    validated,
)
from jtbd_app.state.contracts import ContractState
from jtbd_app.state.marketplace import MarketplaceState
from jtbd_app.state.profiles import ProfileState
from tests.support.factories import make_listing
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token
from tests.support.results_markup import read_region

PROFILE_FORM = {"display_name": "Ann", "bio": "", "location": "", "hourly_rate": "", "currency": "USD", "links": ""}


@pytest.mark.parametrize("page", ["²", "١٢", "9" * 40, "-1", "0x10", "1e3", ""])
def test_a_crafted_page_number_shows_the_first_page(page: str, db: Session) -> None:
    """Issue 11, case 8: `/marketplace?page=²` raised in ListingQuery.from_params and left the page empty."""
    make_listing(make_user("ann"), title="Logo for a bakery")
    state = state_for(MarketplaceState, path=f"/marketplace?page={page}")
    call(state, "load_marketplace")
    shown = read_region(state.results_html)
    assert state.loaded and shown.titles == ["Logo for a bakery"] and "page 1 of 1" in shown.text
    assert ListingQuery.from_params({"page": page}).page == 1


@pytest.mark.parametrize("name", ["min", "max"])
def test_a_budget_too_large_to_scale_is_a_message_on_its_field(name: str, db: Session) -> None:
    """`min=1e999999` is a finite Decimal that overflowed when scaled into minor units."""
    state = state_for(MarketplaceState, path=f"/marketplace?{name}=1e999999")
    call(state, "load_marketplace")
    assert state.loaded and state.errors[name] == "That amount is too large."
    with pytest.raises(ValueError, match="too large"):
        parse_amount("1e999999", "USD")


@pytest.mark.parametrize("currency", [[], ["USD"], {"code": "USD"}, None, 5])
def test_a_profile_form_with_a_currency_that_is_not_text_is_refused(currency: object, db: Session) -> None:
    """Issue 11, case 8: `currency=[]` in save_profile raised TypeError; now it is refused, and nothing changes."""
    token = session_token(make_user("ann"))
    state: Any = state_for(ProfileState, token=token, path="/u/ann")
    call(state, "load_profile")
    call(state, "start_edit")

    assert call(state, "save_profile", {**PROFILE_FORM, "display_name": "Changed", "currency": currency}) is REFUSAL

    assert state.editing and state.errors == {} and state.saved_message == ""
    assert db.exec(select(Profile)).one().display_name == "Ann"
    call(state, "save_profile", {**PROFILE_FORM, "display_name": "Changed"})  # the same form, well typed, saves
    assert state.saved_message == "Profile saved."


@pytest.mark.parametrize(
    ("url", "kind", "default", "expected"),
    [
        ("/x?page=3", PageNumber, 1, 3),
        ("/x?page=%C2%B2", PageNumber, 1, 1),  # "²"
        ("/x?page=0", PageNumber, 1, 1),
        ("/x?page=" + "9" * 30, PageNumber, 1, 1),
        ("/x?page=abc", PageNumber, 1, 1),
        ("/x", PageNumber, 1, 1),
        ("/x?listing=12", RecordId, None, 12),
        ("/x?listing=2147483648", RecordId, None, None),
        ("/x?token=abc", QueryText, "", "abc"),
        ("/x?token=" + "a" * 3000, QueryText, "", ""),
        ("/x?token=a&token=b", QueryText, "", "b"),
    ],
)
def test_a_url_parameter_is_read_by_type_and_a_bad_one_is_the_default(
    url: str, kind: Any, default: Any, expected: Any
) -> None:
    name = url.partition("?")[2].partition("=")[0] or "page"
    assert query_param(state_for(MarketplaceState, path=url), name, kind, default) == expected


def test_query_params_are_text_cut_to_a_bounded_length() -> None:
    state = state_for(MarketplaceState, path="/marketplace?q=" + "x" * 5000 + "&sort=newest")
    assert query_params(state) == {"q": "x" * 2000, "sort": "newest"}


def test_setvar_reaches_only_the_apps_own_setters_and_checks_their_types(db: Session) -> None:
    state: Any = state_for(ProfileState, path="/u/ann")
    call(state, "setvar", "skill_draft", "pyth")
    assert state.skill_draft == "pyth"  # through set_skill_draft, as Reflex's setvar does
    for args in [("skill_draft", ["x"]), ("skill_draft",), ("nonexistent", 1), ("is_hydrated", True), (5, "x")]:
        assert call(state, "setvar", *args) is REFUSAL
    assert call(state, "setvar", "x" * 100_000, 1) is REFUSAL
    assert state.skill_draft == "pyth" and not state.is_hydrated


def test_a_refusal_is_logged_without_the_values(caplog: pytest.LogCaptureFixture, db: Session) -> None:
    state = state_for(ProfileState, path="/u/ann")
    with caplog.at_level(logging.WARNING, logger="jtbd_app.state.boundary"):
        assert call(state, "save_profile", {**PROFILE_FORM, "bio": ["secret-password-123"]}) is REFUSAL
    assert "ProfileState.save_profile" in caplog.text and "secret-password-123" not in caplog.text


def test_the_wrapper_keeps_the_handlers_signature_and_kind() -> None:
    """Reflex reads a handler's parameters, type hints and kind (coroutine, generator...) from the function."""
    delivery = ContractState.event_handlers["submit_delivery"].fn
    assert list(inspect.signature(delivery).parameters) == ["self", "files", "message", "links", "reported_number"]
    assert inspect.isasyncgenfunction(delivery)
    assert inspect.iscoroutinefunction(ContractState.event_handlers["watch_funding"].fn)
    assert ContractState.event_handlers["watch_funding"].is_background
    assert inspect.isgeneratorfunction(MarketplaceState.event_handlers["load_marketplace"].fn)


def test_a_bug_in_a_handler_is_not_swallowed() -> None:
    """Only a value that does not fit the signature is refused; whatever the handler itself raises goes on to
    Reflex's error handling, as before."""

    def broken(state: rx.State, page: PageNumber) -> None:
        raise RuntimeError("a real bug")

    check = validated(broken)
    assert check(object(), "not a page") is REFUSAL
    with pytest.raises(RuntimeError, match="a real bug"):
        check(object(), 2)


def test_a_handler_parameter_without_a_type_is_refused_when_the_class_is_built() -> None:
    def untyped(state: rx.State, page) -> None:  # type: ignore[no-untyped-def]
        return None

    with pytest.raises(TypeError, match="needs a name and a type"):
        validated(untyped)


def test_a_route_argument_is_bounded_text_that_the_service_parses(db: Session) -> None:
    assert route_arg("/contracts/12/") == "12" and route_arg("/contracts/" + "9" * 5000) == "9" * 200
    state: Any = state_for(ContractState, token=session_token(make_user("ann")), path="/contracts/²")
    call(state, "load_contract")
    assert state.loaded and not state.found  # parse_id: anything that is not an id is simply not found


def test_every_handler_is_registered_under_the_name_the_browser_sends() -> None:
    """The browser addresses `<state's full name>.<handler>`; a wrapped handler registered under another name (as
    setvar once was, under its function's name) would be an unknown event."""
    from reflex_base.registry import RegistrationContext

    from tests.support.handlers import app_state_classes

    registered = RegistrationContext.ensure_context().event_handlers
    missing = [
        f"{cls.__name__}.{name}"
        for cls in app_state_classes()
        for name in cls.event_handlers
        if f"{cls.get_full_name()}.{name}" not in registered
    ]
    assert missing == []
