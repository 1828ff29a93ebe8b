"""The contract page's handlers on a micro-task's contract: the contractor states the number the evidence asks for,
the page shows the checklist, and the client's revision request names the criterion not met."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.models import Delivery
from jtbd_app.state.boundary import CHECK_ATTR
from jtbd_app.state.contracts import ContractState
from tests.support.gateways import ScriptedGateway
from tests.support.handlers import call, call_upload, state_for
from tests.support.members import session_token
from tests.support.verification import BOTH_MET, deliver_work, hired_on, run_checks


def test_the_contractor_states_the_reported_number_with_the_delivery(db: Session) -> None:
    h = hired_on("visits", ScriptedGateway())
    state = state_for(ContractState, token=session_token(h.contractor), path=f"/contracts/{h.contract_id}")
    call(state, "load_contract")
    assert state.detail.checklist.evidence_kind == "number" and state.detail.checklist.state == "waiting"

    call_upload(state, "submit_delivery", [], "12,400 sessions this month.", "", "12,400")

    assert state.errors == {} and state.notice == "Delivered. The client has been told."
    assert db.exec(select(Delivery.reported_number)).all() == [12_400]
    assert state.detail.deliveries[0].reported_number == "12,400"
    assert state.detail.checklist.state == "checking"


def test_a_reported_number_that_is_not_whole_is_shown_by_its_field(db: Session) -> None:
    h = hired_on("visits", ScriptedGateway())
    state = state_for(ContractState, token=session_token(h.contractor), path=f"/contracts/{h.contract_id}")

    call_upload(state, "submit_delivery", [], "Lots of sessions.", "", "12.4k")

    assert set(state.errors) == {"reported_number"}
    assert db.exec(select(Delivery)).all() == []


def test_the_clients_revision_names_the_criterion_not_met(db: Session) -> None:
    gateway = ScriptedGateway()
    h = hired_on("visits", gateway)
    deliver_work(h, number="12400")
    run_checks(gateway, reviewer=BOTH_MET)
    client = state_for(ContractState, token=session_token(h.client), path=f"/contracts/{h.contract_id}")
    call(client, "load_contract")
    assert [c.value for c in client.detail.checklist.choices] == ["0", "1", "2"]

    call(client, "request_revision", {"reason": "Half of it is paid traffic.", "criterion": "2"})

    assert client.notice == "Revision requested. The contractor has been told."
    assert client.detail.status == "revision_requested"
    assert client.detail.checklist.criteria[2].outcome == "failed"
    assert client.detail.deliveries[0].response.startswith("Not met: Traffic is organic")


def test_a_revision_on_a_micro_task_without_a_criterion_is_refused_by_its_field(db: Session) -> None:
    gateway = ScriptedGateway()
    h = hired_on("visits", gateway)
    deliver_work(h, number="12400")
    client = state_for(ContractState, token=session_token(h.client), path=f"/contracts/{h.contract_id}")

    call(client, "request_revision", {"reason": "Not good enough."})

    assert set(client.errors) == {"criterion"}
    assert client.detail.status == "delivered"


def test_the_boundary_takes_the_null_a_form_sends_for_fields_not_shown_on_other_contracts() -> None:
    """Reflex compiles the number field's and the criterion select's refs into their forms; where they are not
    rendered (a contract that is no micro-task, or evidence that is no number) the browser sends null for them."""
    handlers = ContractState.event_handlers
    revision = getattr(handlers["request_revision"].fn, CHECK_ATTR)
    delivery = getattr(handlers["submit_delivery"].fn, CHECK_ATTR)

    assert revision.bind(object(), ({"reason": "Redo the logo.", "criterion": None},), {}) is not None
    assert delivery.bind(object(), ([], "Done.", "", None), {}) is not None
    assert revision.bind(object(), ({"reason": "Redo the logo.", "criterion": 2},), {}) is None
