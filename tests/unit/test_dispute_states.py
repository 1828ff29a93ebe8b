"""The dispute section through its state handlers, as the browser calls them, and its evidence file route."""

from __future__ import annotations

import io
from pathlib import Path

import reflex as rx
from sqlmodel import Session, select
from starlette.testclient import TestClient

from jtbd_app.api.app import create_api
from jtbd_app.models import DisputeFile
from jtbd_app.services.viewer import SESSION_COOKIE
from jtbd_app.state.disputes import DisputeState
from tests.support.contracts import agreed_contract, deliver, fund
from tests.support.handlers import call, call_upload, state_for
from tests.support.members import make_user, session_token

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_client_opens_the_contractor_answers_with_a_file_and_a_settlement_closes_it(db: Session) -> None:
    carol, ken = make_user("carol"), make_user("ken")
    deal = agreed_contract(carol, ken, price="100")
    fund(deal)
    deliver(deal)
    client_token, contractor_token = session_token(carol), session_token(ken)
    path = f"/contracts/{deal.contract_id}"
    client = state_for(DisputeState, token=client_token, path=path)
    call(client, "load_dispute")
    assert client.panel.can_open and not client.panel.exists

    call(
        client,
        "open_dispute",
        {"reason_code": "", "reason_text": "", "outcome_wanted": "partial_refund", "refund": "x"},
    )
    assert set(client.errors) == {"reason_code", "reason_text", "refund"} and not client.panel.exists
    form = {"reason_code": "poor_quality", "reason_text": "Blurry.", "outcome_wanted": "partial_refund", "refund": "30"}
    call(client, "open_dispute", form)
    assert client.errors == {} and client.panel.exists and client.panel.status == "awaiting_response"

    contractor = state_for(DisputeState, token=contractor_token, path=path)
    call(contractor, "load_dispute")
    assert contractor.panel.can_respond
    upload = rx.UploadFile(file=io.BytesIO(PNG), path=Path("proof.png"))
    call_upload(contractor, "submit_entry", [upload], "It is sharp at 100%.", "https://example.com/proof")
    assert contractor.errors == {} and contractor.panel.status == "open"

    call(client, "load_dispute")
    answer = client.panel.statements[1]
    assert answer.body == "It is sharp at 100%." and answer.links == ["https://example.com/proof"]
    url = answer.files[0].url
    file_id = db.exec(select(DisputeFile)).one().id
    assert url == f"/api/disputes/files/{file_id}"

    http = TestClient(create_api(), base_url="http://localhost:3000")
    http.cookies.set(SESSION_COOKIE, client_token)
    got = http.get(url)
    assert got.status_code == 200 and got.content == PNG and got.headers["content-disposition"].startswith("attachment")
    stranger = TestClient(create_api(), base_url="http://localhost:3000")
    stranger.cookies.set(SESSION_COOKIE, session_token(make_user("mallory")))
    answers = [stranger.get(url), TestClient(create_api(), base_url="http://localhost:3000").get(url)]
    answers.append(stranger.get("/api/disputes/files/nope"))
    assert {(r.status_code, r.text) for r in answers} == {(404, "That file does not exist.")}

    call(contractor, "offer_settlement", {"offer": "-1"})
    assert "offer" in contractor.errors
    call(contractor, "offer_settlement", {"offer": "70"})
    call(client, "load_dispute")
    assert client.panel.can_accept and "$70.00" in client.panel.offer
    call(client, "accept_settlement")
    assert client.errors == {} and client.panel.ended and client.panel.status == "settled"
    assert "$70.00 to the contractor, $30.00 back to the client" in client.panel.decision
    assert deal.load().status == "completed"
