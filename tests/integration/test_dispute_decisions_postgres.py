"""Deciding disputes on PostgreSQL: the queue and the case file read there, and two administrators deciding the same
dispute at the same moment move the money once, close the case once and write one audit entry."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlmodel import select

from jtbd_app import cli
from jtbd_app.config import _normalise_db_url
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.models import AuditEntry, DisputeCase, Notification, Payout
from jtbd_app.services.accounts import terms
from jtbd_app.services.trust import case_timeline, decisions, dispute_queue
from jtbd_app.services.viewer import Viewer
from tests.support.contracts import agreed_contract, run_now
from tests.support.database import database_env, use_database
from tests.support.disputes import CONTRACTOR_SAYS, disputed_contract, gateway_frozen
from tests.support.gateways import ScriptedGateway
from tests.support.members import make_user
from tests.support.viewers import viewer_of


@pytest.fixture(autouse=True)
def database(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    cli.migrate(_normalise_db_url(postgres_url))
    with use_database(monkeypatch, database_env(postgres_url)):
        with session_scope() as session:
            terms.publish_terms(session, title="Terms", body="Be nice.")
        yield


def test_the_queue_and_the_case_file_read_on_postgres() -> None:
    admin = viewer_of(make_user("ada", role="admin"))
    member = disputed_contract(agreed_contract(make_user("carol"), make_user("ken"), price="300"), opened_days_ago=2)
    card = gateway_frozen(agreed_contract(make_user("cara"), make_user("cody"), price="50"))
    with session_scope() as s:
        queue = dispute_queue.dispute_queue(s, viewer=admin, sort="amount_low")
        case = case_timeline.case_file(s, viewer=admin, contract_id=member.contract_id)
    assert [(r.contract_id, r.amount, r.kind) for r in queue.rows] == [
        (card.contract_id, "$50.00", "gateway"),
        (member.contract_id, "$300.00", "member"),
    ]
    assert case.held == "$300.00" and CONTRACTOR_SAYS in {item.what for item in case.timeline}


def test_two_administrators_deciding_at_once_move_the_money_once() -> None:
    admins = [viewer_of(make_user(name, role="admin")) for name in ("ada", "bea")]
    gateway = ScriptedGateway()
    deal = disputed_contract(agreed_contract(make_user("carol"), make_user("ken")), gateway=gateway)
    results: list[str] = []
    start = threading.Barrier(2)

    def decide(admin: Viewer, amount: str) -> None:
        start.wait()
        try:
            said = run_now(
                decisions.decide_dispute(
                    session_factory=session_scope,
                    gateway=gateway,
                    viewer=admin,
                    contract_id=deal.contract_id,
                    outcome="split",
                    contractor_amount=amount,
                    reason=f"Decided by {admin.username}.",
                )
            )
            results.append(said)
        except DomainError as exc:
            results.append(f"refused: {exc.message}")

    threads = [
        threading.Thread(target=decide, args=(a, amount)) for a, amount in zip(admins, ("60", "30"), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(results) == 2
    with session_scope() as s:
        case = s.exec(select(DisputeCase)).one()
        payouts = s.exec(select(Payout)).all()
        entries = s.exec(select(AuditEntry).where(AuditEntry.action == "dispute.decide")).all()
        told = s.exec(select(Notification).where(Notification.kind == "dispute_decided")).all()
    assert len(gateway.refunds) == 1 and len(payouts) == 1 and len(entries) == 1 and len(told) == 2
    assert case.status == "resolved" and case.contractor_minor is not None
    assert sum(gateway.refunds.values()) + case.contractor_minor == 10_000
    assert payouts[0].amount_minor == case.contractor_minor * 9 // 10
