"""The contract page and wallet handlers serve the right people: the parties act through them, step by step."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import reflex as rx
from sqlmodel import Session, select
from starlette.testclient import TestClient

from jtbd_app.adapters.storage_local import LocalFolderStore
from jtbd_app.api.app import create_api
from jtbd_app.models import Contract, DeliveryFile, Payout, PayoutAccount
from jtbd_app.services.viewer import SESSION_COOKIE
from jtbd_app.state.contracts import ContractState
from jtbd_app.state.wallet import WalletState
from tests.support.contracts import TEST_CARD, Deal, agreed_contract, deliver, fund
from tests.support.handlers import call, call_upload, state_for
from tests.support.members import make_user, session_token


def page_of(token: str, deal: Deal) -> Any:
    state = state_for(ContractState, token=token, path=f"/contracts/{deal.contract_id}")
    call(state, "load_contract")
    return state


def party_tokens() -> tuple[Deal, str, str]:
    carol, ken = make_user("carol"), make_user("ken")
    return agreed_contract(carol, ken, price="100"), session_token(carol), session_token(ken)


def status(db: Session, deal: Deal) -> str:
    db.expire_all()
    contract = db.get(Contract, deal.contract_id)
    assert contract is not None
    return contract.status


def test_a_declined_card_is_shown_by_the_card_field_and_the_test_card_funds_the_escrow(db: Session) -> None:
    deal, client, _ = party_tokens()
    state = page_of(client, deal)
    assert state.found and state.detail.actions.fund and state.detail.test_money and not state.is_stripe
    steps = call(state, "fund", {"card": "4000 0000 0000 0002"})
    assert len(steps) == 1, "progress is shown before the gateway is asked"
    assert "declined" in state.errors["card"] and status(db, deal) == "awaiting_funding"
    call(state, "fund", {"card": TEST_CARD})
    assert state.errors == {} and state.notice.startswith("Payment received") and state.progress == ""
    assert status(db, deal) == "funded" and state.detail.escrow_held == "$100.00"


def test_the_contractor_delivers_with_a_file_and_a_link(db: Session) -> None:
    deal, _, contractor = party_tokens()
    fund(deal)
    state = page_of(contractor, deal)
    upload = rx.UploadFile(file=io.BytesIO(b"final report"), path=Path("report.txt"))
    call_upload(state, "submit_delivery", [upload], "All done.", "https://example.com/site")
    assert state.errors == {} and status(db, deal) == "delivered"
    delivery = state.detail.deliveries[0]
    assert delivery.files[0].filename == "report.txt" and delivery.links == ["https://example.com/site"]


def test_a_delivery_without_a_message_is_refused_next_to_the_field(db: Session) -> None:
    deal, _, contractor = party_tokens()
    fund(deal)
    state = page_of(contractor, deal)
    call_upload(state, "submit_delivery", [], "", "not a link")
    assert set(state.errors) == {"message", "links"} and status(db, deal) == "funded"


def test_the_client_asks_for_a_revision_then_approves_and_the_payout_goes_out(db: Session) -> None:
    deal, client, _ = party_tokens()
    fund(deal)
    deliver(deal)
    state = page_of(client, deal)
    call(state, "request_revision", {"reason": ""})
    assert "reason" in state.errors
    call(state, "request_revision", {"reason": "The logo is missing."})
    assert status(db, deal) == "revision_requested" and state.detail.revisions_left == 1
    deliver(deal, "Logo added.")
    call(state, "approve")
    assert status(db, deal) == "completed" and state.notice.startswith("Approved")
    assert db.exec(select(Payout)).one().status == "paid"


def test_cancelling_by_agreement_refunds_through_the_page(db: Session) -> None:
    deal, client, contractor = party_tokens()
    fund(deal)
    asker = page_of(contractor, deal)
    call(asker, "ask_cancel")
    assert asker.detail.actions.withdraw_cancel
    other = page_of(client, deal)
    call(other, "agree_cancel")
    assert status(db, deal) == "cancelled" and other.detail.escrow_held == "$0.00"


def test_the_wallet_shows_the_contractors_earnings_and_sets_up_sandbox_payouts(db: Session) -> None:
    deal, client, contractor = party_tokens()
    fund(deal)
    deliver(deal)
    call(page_of(client, deal), "approve")
    state = state_for(WalletState, token=contractor, path="/wallet")
    call(state, "load_wallet")
    assert state.wallet.summaries[0].paid_out == "$90.00" and state.wallet.test_money and state.refusal == ""
    assert state.wallet.payout_account == "sandbox"  # paid out at once: no "no payout account yet" beside it
    call(state, "set_up_payouts")
    assert state.notice == "Payouts are set up (sandbox)." and state.wallet.payout_account == "sandbox"
    assert db.exec(select(PayoutAccount)).one().user_id == deal.contractor.user_id


def file_client() -> TestClient:
    return TestClient(create_api(), base_url="http://localhost:3000")


def delivered_file(db: Session) -> tuple[Deal, str, int]:
    deal, client, contractor = party_tokens()
    fund(deal)
    upload = rx.UploadFile(file=io.BytesIO(b"secret plans"), path=Path("plans.txt"))
    call_upload(page_of(contractor, deal), "submit_delivery", [upload], "Plans attached.", "")
    row = db.exec(select(DeliveryFile)).one()
    assert row.id is not None
    return deal, client, row.id


def test_a_party_downloads_a_delivery_file_as_an_attachment(db: Session) -> None:
    _, client, file_id = delivered_file(db)
    http = file_client()
    http.cookies.set(SESSION_COOKIE, client)
    response = http.get(f"/api/contracts/files/{file_id}")
    assert response.status_code == 200 and response.content == b"secret plans"
    assert (
        response.headers["content-disposition"].startswith("attachment;")
        and "plans.txt" in (response.headers["content-disposition"])
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"


def test_a_party_resumes_a_download_with_a_byte_range_and_only_a_party_may(db: Session) -> None:
    _, client, file_id = delivered_file(db)
    http = file_client()
    http.cookies.set(SESSION_COOKIE, client)

    resumed = http.get(f"/api/contracts/files/{file_id}", headers={"Range": "bytes=7-"})
    last = http.get(f"/api/contracts/files/{file_id}", headers={"Range": "bytes=-5"})
    past = http.get(f"/api/contracts/files/{file_id}", headers={"Range": "bytes=99-"})
    stranger = file_client().get(f"/api/contracts/files/{file_id}", headers={"Range": "bytes=0-3"})

    assert (resumed.status_code, resumed.content, resumed.headers["content-range"]) == (206, b"plans", "bytes 7-11/12")
    assert (
        resumed.headers["content-disposition"].startswith("attachment;") and resumed.headers["accept-ranges"] == "bytes"
    )
    assert (last.status_code, last.content) == (206, b"plans")
    assert (past.status_code, past.content, past.headers["content-range"]) == (416, b"", "bytes */12")
    assert stranger.status_code == 404 and b"secret" not in stranger.content


def test_a_head_request_gets_a_files_headers_without_reading_it(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    _, client, file_id = delivered_file(db)
    http = file_client()
    http.cookies.set(SESSION_COOKIE, client)
    read: list[tuple[int, int]] = []
    chunks = LocalFolderStore.chunks

    def counted(store: LocalFolderStore, key: str, start: int, end: int) -> Iterator[bytes]:
        read.append((start, end))
        return chunks(store, key, start, end)

    monkeypatch.setattr(LocalFolderStore, "chunks", counted)

    whole = http.head(f"/api/contracts/files/{file_id}")
    part = http.head(f"/api/contracts/files/{file_id}", headers={"Range": "bytes=7-"})

    assert (whole.status_code, whole.headers["content-length"], whole.content) == (200, "12", b"")
    assert whole.headers["content-disposition"].startswith("attachment;") and whole.headers["accept-ranges"] == "bytes"
    assert (part.status_code, part.headers["content-length"], part.headers["content-range"]) == (
        206,
        "5",
        "bytes 7-11/12",
    )
    assert read == []  # a GET reads the file, in pieces
    assert http.get(f"/api/contracts/files/{file_id}").content == b"secret plans" and read == [(0, 11)]


def test_an_uploaded_web_page_is_refused_by_name_and_the_contract_stays_funded(db: Session) -> None:
    deal, _, contractor = party_tokens()
    fund(deal)
    upload = rx.UploadFile(file=io.BytesIO(b"<html><script>steal()</script></html>"), path=Path("plans.pdf"))
    state = page_of(contractor, deal)
    call_upload(state, "submit_delivery", [upload], "Plans attached.", "")
    assert state.errors["files"] == "plans.pdf is a web page (HTML); such files are never accepted."
    assert db.exec(select(DeliveryFile)).all() == [] and deal.load().status == "funded"


def test_a_stranger_a_visitor_and_a_missing_file_all_get_the_same_404(db: Session) -> None:
    _, _, file_id = delivered_file(db)
    stranger = file_client()
    stranger.cookies.set(SESSION_COOKIE, session_token(make_user("mallory")))
    answers = [
        stranger.get(f"/api/contracts/files/{file_id}"),
        file_client().get(f"/api/contracts/files/{file_id}"),
        stranger.get("/api/contracts/files/99999"),
        stranger.get("/api/contracts/files/not-a-number"),
    ]
    assert {(r.status_code, r.text) for r in answers} == {(404, "That file does not exist.")}


def test_back_from_payout_onboarding_the_wallet_asks_for_the_status_at_once(db: Session) -> None:
    token = session_token(make_user("ken"))
    state = state_for(WalletState, token=token, path="/wallet?payouts=return")
    follow_up = call(state, "load_wallet")
    assert follow_up is not None and "refresh_status" in str(follow_up)
