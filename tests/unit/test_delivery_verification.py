"""A delivery on a problem's micro-task checked against its criteria, end to end on SQLite through the real services:
the job that checks it (with scripted link-checker and reviewer ports), the checklist both parties read, a revision
that must cite the criterion not met, an approval, and the contractor's criteria pass rate on the profile and in
matching."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.models import ContractEvent, CriterionCheck, Delivery, Notification, ScheduledJob, utcnow
from jtbd_app.services.contracts import deliveries, verification
from jtbd_app.services.marketplace import profile_view
from jtbd_app.services.ports import LinkResult, ReviewVerdict
from jtbd_app.services.problems import matching
from tests.support.contracts import agreed_contract, deliver, run_now
from tests.support.contracts import fund as fund_contract
from tests.support.gateways import ScriptedGateway
from tests.support.members import make_user
from tests.support.verification import (
    BOTH_MET,
    VISITS_CRITERIA,
    Hire,
    ScriptedLinks,
    ScriptedReviewer,
    deliver_work,
    hired_on,
    run_checks,
)
from tests.support.viewers import viewer_of


def checklist_for(h: Hire) -> verification.Checklist:
    """The checklist as the contractor reads it."""
    with session_scope() as s:
        return verification.checklist(s, viewer=viewer_of(h.contractor), contract_id=h.contract_id)


def outcomes(checklist: verification.Checklist) -> list[tuple[str, str, str]]:
    return [(item.number, item.outcome, item.decided_by) for item in checklist.criteria]


@pytest.fixture
def gateway() -> ScriptedGateway:
    return ScriptedGateway()


# ---- checking ---------------------------------------------------------------------------------------------------


def test_a_delivery_on_a_micro_task_is_checked_by_a_job_and_both_parties_read_the_checklist(
    gateway: ScriptedGateway,
) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="12,400")
    assert checklist_for(h).state == "checking"

    run_checks(gateway, reviewer=BOTH_MET)

    checklist = checklist_for(h)
    assert checklist.state == "checked" and checklist.summary == "3 of 3 met, 0 not met, 0 not known"
    assert outcomes(checklist) == [
        ("Evidence", "passed", "automatic check"),
        ("1", "passed", "AI reviewer"),
        ("2", "passed", "AI reviewer"),
    ]
    assert checklist.criteria[0].reason == "Reported 12,400, at least the 10,000 asked for."
    assert checklist.criteria[0].icon == "✓" and checklist.criteria[0].outcome_label == "Met"
    with session_scope() as s:
        client_view = verification.checklist(s, viewer=h.deal.owner, contract_id=h.contract_id)
    assert client_view == checklist
    assert BOTH_MET.seen[-1] == VISITS_CRITERIA


def test_a_stranger_cannot_read_the_checklist(gateway: ScriptedGateway) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="12400")

    with session_scope() as s, pytest.raises(NotFound):
        verification.checklist(s, viewer=viewer_of(make_user("mallory")), contract_id=h.contract_id)


def test_a_number_below_the_threshold_fails_the_evidence(gateway: ScriptedGateway) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="9999")

    run_checks(gateway, reviewer=BOTH_MET)

    evidence = checklist_for(h).criteria[0]
    assert (evidence.outcome, evidence.icon, evidence.reason) == (
        "failed",
        "✗",
        "Reported 9,999, below the 10,000 asked for.",
    )


def test_a_reported_number_that_is_not_a_whole_number_is_refused_and_nothing_is_stored(
    gateway: ScriptedGateway, db: Session
) -> None:
    h = hired_on("visits", gateway)

    with pytest.raises(ValidationFailed) as refused:
        deliver_work(h, number="about 10k")

    assert set(refused.value.fields) == {"reported_number"}
    assert db.exec(select(Delivery)).all() == []


def test_a_link_evidence_is_checked_by_the_link_checker_and_a_number_is_not_asked_for(
    gateway: ScriptedGateway, db: Session
) -> None:
    h = hired_on("audit", gateway)
    links = ScriptedLinks({"https://audit.example/report": LinkResult(True, 200, "")})
    deliver_work(h, links="https://audit.example/report", number="123")

    run_checks(gateway, links=links)

    assert links.asked == ["https://audit.example/report"]
    checklist = checklist_for(h)
    assert checklist.evidence_kind == "link"
    assert outcomes(checklist)[0] == ("Evidence", "passed", "automatic check")
    assert db.exec(select(Delivery.reported_number)).all() == [None]


def test_without_a_reviewer_the_criteria_stay_unknown_and_the_checklist_says_why(gateway: ScriptedGateway) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="12400")

    run_checks(gateway, reviewer=None)

    checklist = checklist_for(h)
    assert checklist.reviewer_note == verification.NO_REVIEWER
    assert [i.outcome for i in checklist.criteria] == ["passed", "unknown", "unknown"]
    assert checklist.criteria[1].icon == "?" and checklist.criteria[1].outcome_label == "Not known"


def test_a_failing_reviewer_leaves_the_criteria_unknown_with_its_message(gateway: ScriptedGateway) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="12400")

    run_checks(gateway, reviewer=ScriptedReviewer(failure="The AI reviewer could not be reached."))

    items = checklist_for(h).criteria
    assert [(i.outcome, i.reason) for i in items[1:]] == [("unknown", "The AI reviewer could not be reached.")] * 2


def test_a_link_checker_that_raises_leaves_the_evidence_unknown(gateway: ScriptedGateway) -> None:
    class Broken:
        async def check(self, url: str) -> LinkResult:
            raise RuntimeError("bug in an adapter")

    h = hired_on("audit", gateway)
    deliver_work(h, links="https://audit.example/report")

    run_checks(gateway, links=Broken())  # type: ignore[arg-type]

    evidence = checklist_for(h).criteria[0]
    assert evidence.outcome == "unknown" and "the link checker failed" in evidence.reason


def test_a_delivery_is_checked_once(gateway: ScriptedGateway, db: Session) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="12400")
    delivery_id = db.exec(select(Delivery.id)).one()
    run_checks(gateway, reviewer=BOTH_MET)

    again = run_now(
        verification.verify_delivery(
            session_factory=session_scope,
            link_checker=ScriptedLinks(),
            reviewer=BOTH_MET,
            contract_id=h.contract_id,
            delivery_id=delivery_id or 0,
        )
    )

    assert again == "already checked"
    assert len(db.exec(select(CriterionCheck)).all()) == 3


def test_a_contract_that_is_no_micro_task_is_not_checked(db: Session) -> None:
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="100")
    fund_contract(deal)
    deliver(deal)

    assert db.exec(select(ScheduledJob).where(ScheduledJob.kind == "verify_delivery")).all() == []
    with session_scope() as s:
        assert verification.checklist(s, viewer=deal.client, contract_id=deal.contract_id).applies is False


# ---- the client decides -----------------------------------------------------------------------------------------


def request_revision(h: Hire, criterion: object, reason: str = "The GA screenshot shows paid campaigns.") -> int:
    with session_scope() as s:
        return deliveries.request_revision(
            s, viewer=h.deal.owner, contract_id=h.contract_id, reason=reason, criterion=criterion
        )


@pytest.mark.parametrize("criterion", [None, "", "3", "-1", "1.0", "x", 99])
def test_a_revision_on_a_micro_task_must_cite_one_of_its_criteria(gateway: ScriptedGateway, criterion: object) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="12400")

    with pytest.raises(ValidationFailed) as refused:
        request_revision(h, criterion)

    assert set(refused.value.fields) == {"criterion"}


def test_a_revision_citing_a_criterion_names_it_in_the_timeline_and_the_notice(
    gateway: ScriptedGateway, db: Session
) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="12400")
    run_checks(gateway, reviewer=BOTH_MET)

    request_revision(h, "2")

    event = db.exec(select(ContractEvent).where(ContractEvent.kind == "revision_requested")).one()
    assert "Not met: Traffic is organic, no bought visits" in event.detail
    notice = db.exec(select(Notification).where(Notification.title == "The client asked for a revision")).one()
    assert notice.body.startswith("Not met: Traffic is organic, no bought visits")
    item = checklist_for(h).criteria[2]
    assert (item.outcome, item.decided_by, item.icon) == ("failed", "the client", "✗")
    assert item.reason == "The GA screenshot shows paid campaigns."


def test_approving_passes_by_the_client_every_item_it_had_not_judged(gateway: ScriptedGateway) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="12400")
    run_checks(gateway, reviewer=ScriptedReviewer([ReviewVerdict(0, "failed", "no screenshot")]))

    with session_scope() as s:
        deliveries.approve_delivery(s, viewer=h.deal.owner, contract_id=h.contract_id)

    assert outcomes(checklist_for(h)) == [
        ("Evidence", "passed", "the client"),
        ("1", "passed", "the client"),
        ("2", "passed", "the client"),
    ]


# ---- the pass rate ----------------------------------------------------------------------------------------------


def test_the_pass_rate_counts_the_final_verdict_on_the_delivery_that_completed_the_contract(
    gateway: ScriptedGateway,
) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="9000")
    run_checks(gateway, reviewer=BOTH_MET)
    request_revision(h, "0", "Below 10,000.")  # delivery 1 failed by the client: not what completed the contract
    deliver_work(h, number="10500")
    run_checks(gateway, reviewer=ScriptedReviewer([ReviewVerdict(1, "failed", "paid ads mentioned")]))
    with session_scope() as s:  # silence: the escrow is released automatically, nobody judged it by hand
        outcome = deliveries.auto_release(
            s, contract_id=h.contract_id, delivery_number=2, now=utcnow() + timedelta(days=30)
        )
    assert outcome == "released automatically"

    with session_scope() as s:
        records = verification.criteria_records(s, [h.contractor.id or 0])
        page = profile_view.profile_page(s, viewer=None, username="ken")
        rates = matching._criteria_pass_rates(s, [h.contractor.id or 0])

    # evidence passed (automatic), criterion 1 unknown (not counted), criterion 2 failed (model)
    assert records == {h.contractor.id: (1, 2)}
    assert page.criteria_record == "Met 50% of acceptance criteria (2 checked)"
    assert rates == {h.contractor.id: 0.5}


def test_a_contractor_with_nothing_checked_shows_no_pass_rate(gateway: ScriptedGateway) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="12400")
    run_checks(gateway, reviewer=BOTH_MET)  # checked, but the contract is not completed

    with session_scope() as s:
        assert profile_view.profile_page(s, viewer=None, username="ken").criteria_record == ""
        assert matching._criteria_pass_rates(s, [h.contractor.id or 0]) == {}


def test_an_approved_contract_counts_every_item_the_client_passed(gateway: ScriptedGateway) -> None:
    h = hired_on("visits", gateway)
    deliver_work(h, number="12400")
    run_checks(gateway, reviewer=None)
    with session_scope() as s:
        deliveries.approve_delivery(s, viewer=h.deal.owner, contract_id=h.contract_id)

    with session_scope() as s:
        assert profile_view.profile_page(s, viewer=None, username="ken").criteria_record == (
            "Met 100% of acceptance criteria (3 checked)"
        )
