"""A marketplace with every kind of uploaded file, made through the real services (contracts with delivery files, a
dispute with evidence, members with photos), and a check that every file comes back byte for byte through the HTTP
routes that serve them, to a party of its contract."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlmodel import col, select
from starlette.testclient import TestClient

from jtbd_app.api.app import create_api
from jtbd_app.db import read_scope, session_scope
from jtbd_app.models import Contract, DeliveryFile, DisputeCase, DisputeFile, Profile
from jtbd_app.services.contracts import deliveries
from jtbd_app.services.contracts.delivery_files import IncomingFile
from jtbd_app.services.trust import disputes
from jtbd_app.services.viewer import SESSION_COOKIE
from tests.support import photos
from tests.support.contracts import Deal, agreed_contract, fund
from tests.support.members import make_user, session_token

PNG_HEADER = b"\x89PNG\r\n\x1a\n"


@dataclass
class Uploaded:
    """What was uploaded: each file's route and bytes, and a session cookie of someone who may read it."""

    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # url -> (content, a reader's session token)
    contract_ids: list[int] = field(default_factory=list)


def text_file(label: str) -> bytes:
    return f"{label}\n{secrets.token_hex(16)}\n".encode() * 50  # unique, a few KB


def deliver_files(deal: Deal, *names: str) -> list[IncomingFile]:
    files = [IncomingFile(name, text_file(name)) for name in names]
    with session_scope() as session:
        deliveries.submit_delivery(
            session, viewer=deal.contractor, contract_id=deal.contract_id, message="Here it is.", files=files
        )
    return files


def make_marketplace(prefix: str = "m", contracts: int = 2) -> Uploaded:
    """Members with photos, `contracts` contracts with two delivery files each, and a dispute on the first whose
    answer carries an evidence file."""
    made = Uploaded()
    client, contractor = make_user(f"{prefix}client"), make_user(f"{prefix}maker")
    client_token = session_token(client)
    for member in (client, contractor):
        urls = photos.give_photo(member, photos.png(colour=(secrets.randbelow(256), 90, 30)))
        for url in (urls.large, urls.small):
            made.files[url] = (b"", client_token)  # its bytes are read from the store below
    for number in range(contracts):
        deal = agreed_contract(client, contractor, price="100")
        fund(deal)
        deliver_files(deal, f"report-{number}.txt", f"notes {number}.txt")
        made.contract_ids.append(deal.contract_id)
        if number == 0:
            with session_scope() as session:
                disputes.open_dispute(
                    session,
                    viewer=deal.client,
                    contract_id=deal.contract_id,
                    reason_code="late",
                    reason_text="Late.",
                    outcome_wanted="full_refund",
                )
            evidence = PNG_HEADER + secrets.token_bytes(2000)
            with session_scope() as session:
                disputes.submit_entry(
                    session,
                    viewer=deal.contractor,
                    contract_id=deal.contract_id,
                    kind="response",
                    body="On time by the brief.",
                    links="",
                    files=[IncomingFile("proof.png", evidence)],
                )
    _collect(made, client_token)
    return made


def _collect(made: Uploaded, token: str) -> None:
    """The routes and bytes of every delivery and evidence file, and the photos' bytes as served now."""
    with read_scope() as session:
        ours = made.contract_ids
        for row in session.exec(select(DeliveryFile).where(col(DeliveryFile.contract_id).in_(ours))).all():
            made.files[f"/api/contracts/files/{row.id}"] = (b"", token)
        cases = select(DisputeCase.id).where(col(DisputeCase.contract_id).in_(ours))
        for evidence in session.exec(select(DisputeFile).where(col(DisputeFile.case_id).in_(cases))).all():
            made.files[f"/api/disputes/files/{evidence.id}"] = (b"", token)
    for url, (_, reader) in list(made.files.items()):
        content = fetch(url, reader)
        assert content is not None, url
        made.files[url] = (content, reader)


def fetch(url: str, token: str) -> bytes | None:
    """The file at `url` as its reader's browser gets it; None for a 404."""
    http = TestClient(create_api(), base_url="http://localhost:3000")
    http.cookies.set(SESSION_COOKIE, token)
    response = http.get(url)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, (url, response.status_code, response.text)
    return response.content


def counts() -> dict[str, int]:
    with read_scope() as session:
        return {
            "contracts": len(session.exec(select(Contract.id)).all()),
            "delivery files": len(session.exec(select(DeliveryFile.id)).all()),
            "evidence files": len(session.exec(select(DisputeFile.id)).all()),
            "photos": len([k for k in session.exec(select(Profile.photo_key)).all() if k]),
        }
