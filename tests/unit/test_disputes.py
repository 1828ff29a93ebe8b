"""A contract's dispute, the parties' side (issue 14): open, answer, evidence with files, review by deadline or
request, settle exactly once through the same path as an administrator's decision, and `close_by_decision`."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import (
    ContractEvent,
    DisputeCase,
    DisputeFile,
    FreezeDecision,
    Notification,
    ScheduledJob,
    utcnow,
)
from jtbd_app.services.contracts import deliveries, resolution
from jtbd_app.services.contracts.delivery_files import IncomingFile
from jtbd_app.services.ledger import journal
from jtbd_app.services.trust import (
    dispute_endings,
    dispute_files,
    dispute_settlements,
    dispute_steps,
    dispute_view,
    disputes,
)
from jtbd_app.services.trust import jobs as trust_jobs
from jtbd_app.services.viewer import Viewer
from tests.support.contracts import Deal, deliver, fund, run_jobs, run_now
from tests.support.members import make_user
from tests.support.viewers import viewer_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def books_hold(db: Session) -> None:
    db.expire_all()
    assert journal.trial_balance(db) == 0 and journal.cached_balance_mismatches(db) == []


def escrow(db: Session, deal: Deal) -> int:
    db.expire_all()
    return journal.get_account(db, kind="escrow", currency="USD", contract_id=deal.contract_id).balance_minor


def available(db: Session, user_id: int) -> int:
    db.expire_all()
    return journal.balances_by_code(db).get(f"payable:user:{user_id}:USD", 0)


@pytest.fixture
def delivered(deal: Deal) -> Deal:
    fund(deal)
    deliver(deal)
    return deal


def open_(deal: Deal, viewer: Viewer | None = None, **overrides: object) -> int:
    form: dict[str, object] = {
        "reason_code": "not_as_described",
        "reason_text": "The logo is not the one we agreed.",
        "outcome_wanted": "partial_refund",
        "refund_minor": "40",
    }
    form.update(overrides)
    with session_scope() as s:
        return disputes.open_dispute(
            s,
            viewer=deal.client if viewer is None else viewer,
            contract_id=deal.contract_id,
            reason_code=form["reason_code"],
            reason_text=form["reason_text"],
            outcome_wanted=form["outcome_wanted"],
            refund_minor=form["refund_minor"],
        )


def entry(deal: Deal, viewer: Viewer, kind: str, body: str = "", links: str = "", files: list | None = None) -> int:
    with session_scope() as s:
        return disputes.submit_entry(
            s, viewer=viewer, contract_id=deal.contract_id, kind=kind, body=body, links=links, files=files or []
        )


def case(db: Session, deal: Deal) -> DisputeCase:
    db.expire_all()
    return db.exec(select(DisputeCase).where(DisputeCase.contract_id == deal.contract_id)).one()


def panel(deal: Deal, viewer: Viewer | None) -> dispute_view.DisputePanel:
    with session_scope() as s:
        return dispute_view.dispute_panel(s, viewer=viewer, contract_id=deal.contract_id)


def offer(deal: Deal, viewer: Viewer, amount: object) -> None:
    with session_scope() as s:
        dispute_settlements.offer_settlement(s, viewer=viewer, contract_id=deal.contract_id, contractor_amount=amount)


def accept(deal: Deal, viewer: Viewer, offered: object = None) -> str:
    return run_now(
        dispute_settlements.accept_settlement(
            session_factory=session_scope,
            gateway=SandboxGateway(),
            viewer=viewer,
            contract_id=deal.contract_id,
            offered=offered,
        )
    )


def test_a_client_opens_a_dispute_on_a_delivered_contract_which_freezes_it_and_tells_the_contractor(
    delivered: Deal, db: Session
) -> None:
    deal = delivered
    assert panel(deal, deal.client).can_open and panel(deal, deal.contractor).can_open
    case_id = open_(deal)

    found = case(db, deal)
    contract = deal.load()
    assert found.id == case_id and found.status == "awaiting_response" and found.amount_minor == 10_000
    assert found.wanted_refund_minor == 4_000 and found.respondent_id == deal.contractor.user_id
    assert contract.status == "disputed" and contract.release_frozen
    assert found.respond_by - found.opened_at == timedelta(days=5)
    told = db.exec(
        select(Notification).where(Notification.user_id == deal.contractor.user_id, Notification.kind == "dispute")
    ).all()
    assert len(told) == 1 and "Answer" in told[0].body
    job = db.exec(select(ScheduledJob).where(ScheduledJob.kind == dispute_steps.RESPONSE_JOB)).one()
    assert job.run_at == found.respond_by and job.contract_id == deal.contract_id
    assert "dispute_opened" in [e.kind for e in db.exec(select(ContractEvent)).all()]
    shown = panel(deal, deal.contractor)
    assert shown.exists and shown.can_respond and shown.statements[0].body == "The logo is not the one we agreed."
    assert not panel(deal, deal.client).can_respond  # the opener does not answer themselves
    with pytest.raises(ValidationFailed, match="already"):
        open_(deal, deal.contractor)


def test_opening_checks_each_field_and_changes_nothing_when_refused(delivered: Deal, db: Session) -> None:
    deal = delivered
    with pytest.raises(ValidationFailed) as refused:
        open_(deal, reason_code="bogus", reason_text="<b>x</b>", outcome_wanted="all", refund_minor="-1")
    assert set(refused.value.fields) == {"reason_code", "reason_text", "outcome_wanted"}
    for bad in ("0", "100", "abc", "1e99", None):
        with pytest.raises(ValidationFailed) as refused:
            open_(deal, refund_minor=bad)
        assert set(refused.value.fields) == {"refund"}
    with pytest.raises(ValidationFailed) as refused:
        open_(deal, reason_text="   ")
    assert "reason_text" in refused.value.fields
    assert db.exec(select(DisputeCase)).all() == [] and not deal.load().release_frozen


def test_only_a_party_of_a_funded_to_delivered_contract_opens_one(deal: Deal, db: Session) -> None:
    with pytest.raises(ValidationFailed, match="funded"):
        open_(deal)  # not funded yet
    fund(deal)
    stranger = viewer_of(make_user("mallory"))
    with pytest.raises(NotFound):
        open_(deal, stranger)
    with pytest.raises(NotSignedIn), session_scope() as s:
        disputes.open_dispute(
            s, viewer=None, contract_id=deal.contract_id, reason_code="late", reason_text="x", outcome_wanted="release"
        )
    open_(deal, deal.contractor, outcome_wanted="release", reason_code="stopped_responding")  # a funded contract
    assert case(db, deal).wanted_refund_minor == 0


def test_auto_release_refuses_a_contract_under_dispute(delivered: Deal, db: Session) -> None:
    deal = delivered
    open_(deal)
    later = utcnow() + timedelta(days=30)
    with session_scope() as s:
        outcome = deliveries.auto_release(s, contract_id=deal.contract_id, delivery_number=1, now=later)
    assert outcome in ("frozen for an administrator", "nothing to release (disputed)")
    run_jobs(SandboxGateway(), handlers=trust_jobs.HANDLERS, now=later)  # the scheduler's own auto-release job
    assert escrow(db, deal) == 10_000 and deal.load().status in ("disputed",)
    assert case(db, deal).status == "under_review"  # what its deadline does instead


def test_the_contractor_answers_once_with_a_link_and_a_file_and_both_then_add_evidence(
    delivered: Deal, db: Session
) -> None:
    deal = delivered
    open_(deal)
    with pytest.raises(PermissionDenied):
        entry(deal, deal.client, "response", "I answer myself.")
    for bad in ({"body": ""}, {"body": "ok", "links": "javascript:alert(1)"}, {"body": "<script>x</script>"}):
        with pytest.raises(ValidationFailed):
            entry(deal, deal.contractor, "response", **bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed) as refused:
        entry(deal, deal.contractor, "response", "Here.", files=[IncomingFile("x.exe", b"MZ\x90\x00" * 20)])
    assert "files" in refused.value.fields
    entry(
        deal,
        deal.contractor,
        "response",
        "I delivered what the brief said.",
        "https://example.com/brief",
        [IncomingFile("proof.png", PNG)],
    )

    found = case(db, deal)
    assert found.status == "open" and found.evidence_until is not None
    assert found.evidence_until - found.responded_at == timedelta(days=3)  # type: ignore[operator]
    with pytest.raises(ValidationFailed, match="answered already"):
        entry(deal, deal.contractor, "response", "Again.")
    entry(deal, deal.client, "evidence", "The brief asked for blue.")
    with pytest.raises(ValidationFailed):
        entry(deal, deal.client, "evidence")  # nothing at all
    seen = panel(deal, deal.client)
    assert [e.kind_label for e in seen.statements] == ["Opened the dispute", "Answer", "Evidence"]
    answer = seen.statements[1]
    assert answer.links == ["https://example.com/brief"] and answer.files[0].filename == "proof.png"
    assert answer.side == "contractor" and not answer.mine and seen.statements[2].mine


def test_evidence_files_go_to_the_parties_and_admins_only(delivered: Deal, db: Session) -> None:
    deal = delivered
    open_(deal)
    entry(deal, deal.contractor, "response", "See the file.", files=[IncomingFile("proof.png", PNG)])
    file_id = db.exec(select(DisputeFile)).one().id
    admin = viewer_of(make_user("ada", role="admin"))
    for viewer in (deal.client, deal.contractor, admin):
        with session_scope() as s:
            opened = dispute_files.open_for_viewer(s, viewer=viewer, file_id=str(file_id))
        assert b"".join(opened.to_send().chunks()) == PNG and opened.content_type == "image/png"
    outsiders: list[Viewer | None] = [viewer_of(make_user("mallory")), None]
    for outsider in outsiders:
        with pytest.raises((NotFound, NotSignedIn)), session_scope() as s:
            dispute_files.open_for_viewer(s, viewer=outsider, file_id=str(file_id))
    for bad in ("999", "x", "-1"):
        with pytest.raises(NotFound), session_scope() as s:
            dispute_files.open_for_viewer(s, viewer=deal.client, file_id=bad)


def test_an_unanswered_case_goes_to_review_at_its_deadline_once_and_admins_are_told(
    delivered: Deal, db: Session
) -> None:
    deal = delivered
    admin = make_user("ada", role="admin")
    open_(deal)
    assert run_jobs(SandboxGateway(), handlers=trust_jobs.HANDLERS) == 0 or case(db, deal).status == "awaiting_response"
    assert case(db, deal).status == "awaiting_response"
    due = case(db, deal).respond_by
    with session_scope() as s:
        assert disputes.deadline_passed(s, case_id=case(db, deal).id or 0, now=due - timedelta(minutes=1)).startswith(
            "not due"
        )
    run_jobs(SandboxGateway(), handlers=trust_jobs.HANDLERS, now=due + timedelta(minutes=1))
    assert case(db, deal).status == "under_review" and case(db, deal).review_since is not None
    with session_scope() as s:  # a second worker, or a late retry, does nothing
        assert (
            disputes.deadline_passed(s, case_id=case(db, deal).id or 0, now=due + timedelta(days=1))
            == "not due (under_review)"
        )
    told = db.exec(select(Notification).where(Notification.user_id == admin.id, Notification.kind == "dispute")).all()
    assert len(told) == 1
    with pytest.raises(ValidationFailed):
        entry(deal, deal.contractor, "response", "Too late.")


def test_two_workers_racing_on_one_deadline_move_the_case_once(delivered: Deal, db: Session) -> None:
    deal = delivered
    open_(deal)
    found = case(db, deal)
    later = found.respond_by + timedelta(minutes=1)
    with session_scope() as first, session_scope() as second:
        a = disputes.deadline_passed(first, case_id=found.id or 0, now=later)
        first.commit()
        b = disputes.deadline_passed(second, case_id=found.id or 0, now=later)
    assert sorted([a, b]) == ["moved already", "to review"] or {a, b} == {"to review", "not due (under_review)"}
    assert len(db.exec(select(ContractEvent).where(ContractEvent.kind == "dispute_review")).all()) == 1


def test_an_open_case_goes_to_review_when_the_evidence_window_ends_or_a_party_asks(
    delivered: Deal, db: Session
) -> None:
    deal = delivered
    open_(deal)
    with pytest.raises(ValidationFailed), session_scope() as s:
        disputes.ask_review(s, viewer=deal.client, contract_id=deal.contract_id)  # not answered yet
    entry(deal, deal.contractor, "response", "It is done.")
    until = case(db, deal).evidence_until
    assert until is not None
    run_jobs(SandboxGateway(), handlers=trust_jobs.HANDLERS, now=until + timedelta(minutes=1))
    assert case(db, deal).status == "under_review"
    with pytest.raises(ValidationFailed, match="until the case goes to review"):
        entry(deal, deal.client, "evidence", "More.")


def test_a_party_asks_for_review(delivered: Deal, db: Session) -> None:
    deal = delivered
    open_(deal)
    entry(deal, deal.contractor, "response", "It is done.")
    with pytest.raises(NotFound), session_scope() as s:
        disputes.ask_review(s, viewer=viewer_of(make_user("mallory")), contract_id=deal.contract_id)
    with session_scope() as s:
        disputes.ask_review(s, viewer=deal.client, contract_id=deal.contract_id)
    assert case(db, deal).status == "under_review"
    assert (
        db.exec(select(ScheduledJob).where(ScheduledJob.kind == dispute_steps.EVIDENCE_JOB)).one().status != "pending"
    )


def test_an_accepted_settlement_splits_the_escrow_once_and_closes_the_case(delivered: Deal, db: Session) -> None:
    deal = delivered
    open_(deal)
    for bad in ("-5", "101", "abc", None):
        with pytest.raises(ValidationFailed) as refused:
            offer(deal, deal.contractor, bad)
        assert "offer" in refused.value.fields
    offer(deal, deal.contractor, "60")
    with pytest.raises(ValidationFailed, match="own"):
        accept(deal, deal.contractor)
    with pytest.raises(NotFound):
        accept(deal, viewer_of(make_user("mallory")))
    with pytest.raises(ValidationFailed, match="changed"):
        accept(deal, deal.client, offered=5_000)
    assert panel(deal, deal.client).can_accept and panel(deal, deal.client).offer_minor == 6_000

    assert accept(deal, deal.client, offered=6_000) == "split between the parties"

    found = case(db, deal)
    assert found.status == "settled" and found.outcome == "split" and found.decided_by is None
    assert (found.contractor_minor, found.client_minor) == (6_000, 4_000)
    assert escrow(db, deal) == 0 and deal.load().status == "completed" and not deal.load().release_frozen
    decision = db.get(FreezeDecision, deal.contract_id)
    assert decision is not None and decision.admin_id is None and decision.status == "done"
    assert available(db, deal.contractor.user_id) == 5_400  # 60.00 less the 10% fee
    books_hold(db)
    before = journal.balances_by_code(db)
    with pytest.raises(ValidationFailed, match="ended"):
        accept(deal, deal.client, offered=6_000)
    with pytest.raises(ValidationFailed):
        offer(deal, deal.client, "10")
    assert not disputes_close(deal)  # an administrator's later close changes nothing
    db.expire_all()
    assert journal.balances_by_code(db) == before
    shown = panel(deal, deal.contractor)
    assert shown.ended and "The parties settled" in shown.decision and not shown.can_offer


def disputes_close(deal: Deal) -> bool:
    with session_scope() as s:
        return dispute_endings.close_by_decision(
            s,
            contract_id=deal.contract_id,
            admin_id=1,
            outcome="split",
            contractor_minor=1,
            client_minor=1,
            reason="No.",
        )


def test_an_offer_is_withdrawn_only_by_who_made_it(delivered: Deal, db: Session) -> None:
    deal = delivered
    open_(deal)
    offer(deal, deal.client, "30")
    with pytest.raises(ValidationFailed), session_scope() as s:
        dispute_settlements.withdraw_settlement(s, viewer=deal.contractor, contract_id=deal.contract_id)
    with session_scope() as s:
        dispute_settlements.withdraw_settlement(s, viewer=deal.client, contract_id=deal.contract_id)
    assert case(db, deal).offer_by is None
    with pytest.raises(ValidationFailed, match="no settlement offer"):
        accept(deal, deal.contractor)


def test_a_full_refund_settlement_cancels_the_contract_and_refunds_the_client(delivered: Deal, db: Session) -> None:
    deal = delivered
    open_(deal, outcome_wanted="full_refund")
    offer(deal, deal.contractor, 0)
    assert accept(deal, deal.client) == "refunded to the client"
    assert case(db, deal).outcome == "refund" and deal.load().status == "cancelled" and escrow(db, deal) == 0
    books_hold(db)


def test_an_administrators_decision_closes_the_case_as_resolved_once(delivered: Deal, db: Session) -> None:
    deal = delivered
    admin = viewer_of(make_user("ada", role="admin"))
    open_(deal)
    entry(deal, deal.contractor, "response", "Done as agreed.")
    note = "The work matches the brief in part."
    run_now(
        resolution.resolve_frozen(
            session_factory=session_scope,
            gateway=SandboxGateway(),
            viewer=admin,
            contract_id=deal.contract_id,
            contractor_minor=6_000,
            note=note,
        )
    )
    with session_scope() as s:
        assert dispute_endings.close_by_decision(
            s,
            contract_id=deal.contract_id,
            admin_id=admin.user_id,
            outcome="split",
            contractor_minor=6_000,
            client_minor=4_000,
            reason=note,
        )
    found = case(db, deal)
    assert found.status == "resolved" and found.decided_by == admin.user_id and found.decision_reason == note
    assert not disputes_close(deal)  # idempotent
    assert case(db, deal).contractor_minor == 6_000
    shown = panel(deal, deal.client)
    assert shown.ended and "An administrator decided" in shown.decision and shown.decision_reason == note
    books_hold(db)


def test_a_decision_made_without_closing_the_case_is_reconciled_by_its_deadline_job(
    delivered: Deal, db: Session
) -> None:
    deal = delivered
    admin = viewer_of(make_user("ada", role="admin"))
    open_(deal)
    run_now(
        resolution.resolve_frozen(
            session_factory=session_scope,
            gateway=SandboxGateway(),
            viewer=admin,
            contract_id=deal.contract_id,
            contractor_minor=10_000,
        )
    )
    run_jobs(SandboxGateway(), handlers=trust_jobs.HANDLERS, now=case(db, deal).respond_by + timedelta(minutes=1))
    assert case(db, deal).status == "resolved" and case(db, deal).outcome == "release"


def test_a_stranger_sees_no_dispute_panel(delivered: Deal) -> None:
    open_(delivered)
    with pytest.raises(NotFound):
        panel(delivered, viewer_of(make_user("mallory")))
    with pytest.raises(NotSignedIn):
        panel(delivered, None)


def test_an_administrator_reads_the_case_and_acts_on_none_of_the_parties_steps(delivered: Deal) -> None:
    deal = delivered
    open_(deal)
    admin = viewer_of(make_user("ada", role="admin"))
    shown = panel(deal, admin)
    assert shown.exists and shown.statements[0].side == "client" and "answers in 5 days" in shown.deadline
    assert not (shown.can_respond or shown.can_add_evidence or shown.can_offer or shown.can_accept)
    with pytest.raises(NotFound):
        offer(deal, admin, "10")  # an administrator decides through resolution, not as a party


def test_a_suspended_party_reads_the_case_but_cannot_act(delivered: Deal) -> None:
    deal = delivered
    open_(deal)
    suspended = dataclasses.replace(deal.contractor, status="suspended")
    assert not panel(deal, suspended).can_respond
    with pytest.raises(PermissionDenied):
        entry(deal, suspended, "response", "I answer anyway.")
