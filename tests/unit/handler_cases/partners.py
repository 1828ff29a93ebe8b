"""Outside partners: the partner tab of /providers is public; /admin/partners refuses everyone but admins and changes
nothing for them."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import AuditEntry, Partner
from jtbd_app.services.delegate import partners
from jtbd_app.state.partners import AdminPartnersState, _adapters
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.unit.handler_cases import UI_ONLY

PUBLIC: dict[str, str] = {
    "PartnersState.load_partners": "partners and their scorecards are public counts; no member's report or comment",
    "PartnersState.choose_tab": "switches the tab of a public page and reads public data",
    "PartnersState.apply_partner_filters": "filters public data and writes the filters to the URL",
    "PartnersState.setvar": "Reflex built-in; display vars only; every load reads public data",
    "AdminPartnersState.open_manage": UI_ONLY,
    "AdminPartnersState.set_manage_open": UI_ONLY,
    "AdminPartnersState.setvar": "Reflex built-in; display vars only; every load and change re-checks the admin role",
}


def _registered_with_an_admin() -> None:
    make_user("someadmin", role="admin")
    with session_scope() as s:
        partners.register(s, _adapters())


def _unchanged(db: Session) -> None:
    db.expire_all()
    rows = db.exec(select(Partner)).all()
    assert rows and all((p.status, p.link_template, p.affiliate_params) == ("active", "", "") for p in rows)
    assert db.exec(select(AuditEntry)).all() == []


def _admin_state(caller: str | None) -> AdminPartnersState:
    state: AdminPartnersState = state_for(AdminPartnersState, token=caller, path="/admin/partners")
    state.managing = "amazon"
    return state


def _load(caller: str | None, db: Session) -> None:
    _registered_with_an_admin()
    state = _admin_state(caller)
    call(state, "load_admin_partners")
    assert state.refusal and state.rows == [] and state.managed.card.key == ""


def _go_to_page(caller: str | None, db: Session) -> None:
    _registered_with_an_admin()
    state = _admin_state(caller)
    call(state, "go_to_page", 1)
    assert state.refusal and state.rows == []


def _save_links(caller: str | None, db: Session) -> None:
    _registered_with_an_admin()
    state = _admin_state(caller)
    form = {"key": "amazon", "link_template": "https://www.amazon.com/s?k={query}&x=1", "affiliate_params": "tag=a-20"}
    call(state, "save_links", form)
    assert state.errors["form"] and state.message == ""
    _unchanged(db)


def _status_change(handler: str):  # type: ignore[no-untyped-def]
    def case(caller: str | None, db: Session) -> None:
        _registered_with_an_admin()
        if handler == "reinstate_partner":  # something to reinstate
            with session_scope() as s:
                row = s.get(Partner, "amazon")
                assert row is not None
                row.status = "suspended"
        state = _admin_state(caller)
        call(state, handler, {"key": "amazon", "reason": "Because I can"})
        assert state.errors["form"] and state.message == ""
        if handler == "reinstate_partner":
            assert db.get(Partner, "amazon").status == "suspended"  # type: ignore[union-attr]
        else:
            _unchanged(db)
        assert db.exec(select(AuditEntry)).all() == []

    return case


GUARDED = {
    "AdminPartnersState.load_admin_partners": _load,
    "AdminPartnersState.go_to_page": _go_to_page,
    "AdminPartnersState.save_links": _save_links,
    "AdminPartnersState.suspend_partner": _status_change("suspend_partner"),
    "AdminPartnersState.reinstate_partner": _status_change("reinstate_partner"),
}
