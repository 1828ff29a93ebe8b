"""The partner states: the /providers tab reads its filters from the URL and writes them back; /admin/partners shows
the service's word by the field, and an admin's changes show at once."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from jtbd_app.models import Partner
from jtbd_app.state.partners import AdminPartnersState, PartnersState
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token
from tests.unit.test_providers_state import redirect_path


def _tab(path: str) -> Any:
    state = state_for(PartnersState, path=path)
    call(state, "load_partners")
    return state


def test_the_partner_tab_comes_from_the_url_with_its_filters() -> None:
    state = _tab("/providers?tab=partners&kind=local&rating=9")
    assert state.tab == "partners" and state.partners_loaded
    assert [c.name for c in state.cards] == ["TaskRabbit", "Thumbtack", "Angi"]
    assert state.values == {"kind": "local", "category": "", "rating": "9"} and set(state.errors) == {"rating"}
    assert "furniture-assembly" in state.categories


def test_without_the_tab_parameter_the_contractors_show_and_partners_are_not_read() -> None:
    state = _tab("/providers?kind=local")
    assert state.tab == "contractors" and not state.partners_loaded and state.cards == []


def test_filters_go_to_the_url_and_bad_ones_stay_by_their_field() -> None:
    state = _tab("/providers?tab=partners")
    event = call(state, "apply_partner_filters", {"kind": "digital", "category": "", "rating": ""})
    assert redirect_path(event) == "/providers?tab=partners&kind=digital"
    assert [c.name for c in state.cards] == ["Fiverr", "Upwork"]
    assert call(state, "apply_partner_filters", {"kind": "", "category": "", "rating": "lots"}) is None
    assert state.errors == {"rating": "Enter a rating from 1 to 5, such as 4 or 4.5."}


def test_choosing_the_tab_writes_it_to_the_url() -> None:
    state = _tab("/providers")
    assert redirect_path(call(state, "choose_tab", "partners")) == "/providers?tab=partners" and state.cards
    assert redirect_path(call(state, "choose_tab", "contractors")) == "/providers"


def _admin() -> Any:
    state = state_for(AdminPartnersState, token=session_token(make_user("boss", role="admin")), path="/admin/partners")
    call(state, "load_admin_partners")
    return state


def test_an_admin_sees_every_partner_and_a_refused_link_is_shown_by_its_field(db: Session) -> None:
    state = _admin()
    assert state.refusal == "" and len(state.rows) == 7 and state.rows[0].card.name == "Amazon"
    call(state, "open_manage", "fiverr")
    assert state.manage_open and state.managed.card.name == "Fiverr"
    form = {"key": "fiverr", "link_template": "https://fiverr.com.evil.example/?q={query}", "affiliate_params": ""}
    call(state, "save_links", form)
    assert set(state.errors) == {"link_template"} and state.message == ""
    assert db.get(Partner, "fiverr").link_template == ""  # type: ignore[union-attr]
    call(state, "save_links", {**form, "link_template": "https://www.fiverr.com/search/gigs?query={query}&src=x"})
    assert state.errors == {} and state.message == "Links saved."
    assert state.managed.effective_template == "https://www.fiverr.com/search/gigs?query={query}&src=x"


def test_an_admin_suspends_with_a_reason_and_reinstates(db: Session) -> None:
    state = _admin()
    call(state, "open_manage", "angi")
    call(state, "suspend_partner", {"key": "angi", "reason": ""})
    assert set(state.errors) == {"reason"}
    call(state, "suspend_partner", {"key": "angi", "reason": "Too many complaints"})
    assert state.message == "Angi is suspended and no longer offered." and state.managed.status == "suspended"
    assert state.managed.suspended_note.endswith(": Too many complaints")
    call(state, "reinstate_partner", {"key": "angi", "reason": "Sorted out"})
    assert state.message == "Angi is reinstated and offered again." and state.managed.status == "active"
    assert db.get(Partner, "angi").status == "active"  # type: ignore[union-attr]
