"""Disputes on PostgreSQL: a party's answer and the deadline job racing on one case, two deadline workers, and two
acceptances of one settlement: each case moves once and the money moves once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import col, select

from jtbd_app import cli
from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.config import _normalise_db_url
from jtbd_app.db import session_scope
from jtbd_app.models import ContractEvent, DisputeCase, FreezeDecision, JournalEntry, User
from jtbd_app.services.accounts import terms
from jtbd_app.services.ledger import journal
from jtbd_app.services.trust import dispute_settlements, dispute_steps, disputes
from tests.integration.test_contract_money_postgres import race, the_contract
from tests.support.contracts import Deal, agreed_contract, deliver, fund, run_now
from tests.support.database import database_env, use_database
from tests.support.members import sign_up


@pytest.fixture(autouse=True)
def database(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    cli.migrate(_normalise_db_url(postgres_url))
    with use_database(monkeypatch, database_env(postgres_url)):
        with session_scope() as session:
            terms.publish_terms(session, title="Terms", body="Be nice.")
        for name in ("alice", "bob"):
            with session_scope() as session:
                sign_up(session, name)
        yield


def member(username: str) -> User:
    with session_scope() as session:
        return session.exec(select(User).where(User.username == username)).one()


def disputed() -> tuple[Deal, DisputeCase]:
    deal = agreed_contract(member("alice"), member("bob"), price="100")
    fund(deal)
    deliver(deal)
    with session_scope() as session:
        disputes.open_dispute(
            session,
            viewer=deal.client,
            contract_id=deal.contract_id,
            reason_code="late",
            reason_text="Two weeks late.",
            outcome_wanted="full_refund",
        )
    with session_scope() as session:
        case = dispute_steps.case_of(session, deal.contract_id)
        assert case is not None
        return deal, case


def status_of(case: DisputeCase) -> str:
    with session_scope() as session:
        found = session.get(DisputeCase, case.id)
        assert found is not None
        return found.status


def answer(deal: Deal) -> int:
    with session_scope() as session:
        return disputes.submit_entry(
            session,
            viewer=deal.contractor,
            contract_id=deal.contract_id,
            kind="response",
            body="Not late.",
            links="",
            files=[],
        )


def deadline(case: DisputeCase) -> str:
    with session_scope() as session:
        return disputes.deadline_passed(session, case_id=case.id or 0, now=case.respond_by + timedelta(minutes=1))


def test_an_answer_and_the_deadline_job_racing_move_the_case_once() -> None:
    deal, case = disputed()
    answered, job = race(lambda: answer(deal), lambda: deadline(case), holding=the_contract(deal))
    final = status_of(case)
    if isinstance(answered, int):  # the answer came first: the job found nothing due
        assert final == "open" and (str(job).startswith("not due") or job == "moved already"), job
    else:  # the job came first: the answer was refused
        assert final == "under_review" and job == "to review", (answered, job)
    with session_scope() as session:
        moves = session.exec(
            select(ContractEvent).where(col(ContractEvent.kind).in_(["dispute_review", "dispute_response"]))
        ).all()
    assert len(moves) == 1


def test_two_deadline_workers_move_the_case_once() -> None:
    deal, case = disputed()
    first, second = race(lambda: deadline(case), lambda: deadline(case), holding=the_contract(deal))
    assert sorted([str(first), str(second)]) == ["not due (under_review)", "to review"] or "moved already" in (
        first,
        second,
    )
    assert status_of(case) == "under_review"


def test_two_acceptances_of_one_offer_move_the_money_once() -> None:
    deal, _case = disputed()
    with session_scope() as session:
        dispute_settlements.offer_settlement(
            session, viewer=deal.contractor, contract_id=deal.contract_id, contractor_amount="25"
        )

    def accept() -> str:
        return run_now(
            dispute_settlements.accept_settlement(
                session_factory=session_scope,
                gateway=SandboxGateway(),
                viewer=deal.client,
                contract_id=deal.contract_id,
            )
        )

    outcomes = race(accept, accept, holding=the_contract(deal))
    assert sum(isinstance(o, str) and o == "split between the parties" for o in outcomes) == 1, outcomes
    with session_scope() as session:
        decision = session.get(FreezeDecision, deal.contract_id)
        assert decision is not None and decision.status == "done" and decision.admin_id is None
        refunds = session.exec(
            select(JournalEntry).where(JournalEntry.contract_id == deal.contract_id, JournalEntry.kind == "refund")
        ).all()
        assert len(refunds) == 1 and journal.trial_balance(session) == 0
