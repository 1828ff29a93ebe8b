"""A problem's escrow, worked through the real services with the sandbox: one payment funds the whole budget and posts
the internal micro-tasks; accepting a bid funds its contract from the escrow (or is refused); a release pays the
contractor; a cancelled contract gives its escrow back to the problem; what no task needs goes back to the owner or to
the other tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.models import Bid, JournalEntry, LedgerAccount, Notification, Problem, utcnow
from jtbd_app.services.contracts import cancellation
from jtbd_app.services.ledger import journal, problem_escrow
from jtbd_app.services.ledger.journal import InsufficientFunds
from jtbd_app.services.marketplace import bids
from tests.support.contracts import Deal, approve, deliver, run_jobs, run_now
from tests.support.gateways import ScriptedGateway
from tests.support.members import make_user
from tests.support.problem_money import (
    ProblemDeal,
    bid,
    cancel_task,
    contract,
    escrow_of_contract,
    escrow_of_problem,
    fund,
    hire,
    planned,
    return_remainder,
)
from tests.support.problems import THREE_TASKS, planned_problem, submitted_problem
from tests.support.viewers import viewer_of

BUDGET = 300_000


@pytest.fixture
def gateway() -> ScriptedGateway:
    return ScriptedGateway()


@pytest.fixture
def problem(gateway: ScriptedGateway) -> ProblemDeal:
    """Carol's $3,000 problem, funded with the sandbox: its three tasks are open listings."""
    deal = planned(make_user("carol"))
    fund(deal, gateway)
    return deal


def entries(db: Session, kind: str) -> list[JournalEntry]:
    return list(db.exec(select(JournalEntry).where(JournalEntry.kind == kind)).all())


def the_books_balance(db: Session) -> None:
    assert journal.trial_balance(db) == 0
    assert journal.cached_balance_mismatches(db) == []
    assert all(a.balance_minor >= 0 for a in db.exec(select(LedgerAccount)).all() if not a.may_go_negative)


# ---- funding and publishing ------------------------------------------------------------------------------------


def test_funding_a_planned_problem_holds_its_whole_budget_in_its_escrow_and_publishes_its_tasks(
    gateway: ScriptedGateway, db: Session
) -> None:
    deal = planned(make_user("carol"))

    outcome = fund(deal, gateway)

    assert outcome.status == "funded" and len(outcome.listing_ids) == 3
    assert escrow_of_problem(deal.problem_id) == BUDGET
    assert sum(amount for amount, _cur in gateway.charges.values()) == BUDGET
    assert deal.load().status == "published"
    for key, task in deal.tasks().items():
        listing = deal.listing_of(key)
        assert (task.status, listing.status, listing.source) == ("open", "open", "problem")
        assert (listing.problem_id, listing.micro_task_id, listing.budget_minor) == (
            deal.problem_id,
            task.id,
            task.budget_minor,
        )
    [entry] = entries(db, "fund_problem")
    assert (entry.idempotency_key, entry.problem_id) == (f"fund:problem:{deal.problem_id}", deal.problem_id)
    the_books_balance(db)


def test_a_problem_is_funded_once(problem: ProblemDeal, gateway: ScriptedGateway, db: Session) -> None:
    with pytest.raises(ValidationFailed, match="already funded"):
        fund(problem, gateway)

    assert escrow_of_problem(problem.problem_id) == BUDGET
    assert len(gateway.charges) == 1


def test_a_problem_without_a_plan_cannot_be_funded(gateway: ScriptedGateway) -> None:
    owner = make_user("carol")
    deal = ProblemDeal(submitted_problem(owner), viewer_of(owner))

    with pytest.raises(ValidationFailed, match="not planned yet"):
        fund(deal, gateway)

    assert gateway.charges == {}


def test_only_the_owner_can_fund_a_problem(gateway: ScriptedGateway) -> None:
    deal = planned(make_user("carol"))
    stranger = ProblemDeal(deal.problem_id, viewer_of(make_user("eve")))

    with pytest.raises(NotFound):
        fund(stranger, gateway)

    assert gateway.charges == {} and deal.load().status == "planned"


def test_a_declined_card_funds_nothing_and_the_problem_stays_planned(gateway: ScriptedGateway) -> None:
    deal = planned(make_user("carol"))

    with pytest.raises(ValidationFailed):
        fund(deal, gateway, card="4000 0000 0000 0002")

    assert deal.load().status == "planned"
    assert escrow_of_problem(deal.problem_id) == 0
    assert [p.status for p in deal.payments()] == ["failed"]


def test_routed_suggestions_stay_planned_and_are_not_posted(gateway: ScriptedGateway) -> None:
    owner = make_user("carol")
    tasks = [THREE_TASKS[0], THREE_TASKS[1].model_copy(update={"route": "external"}), THREE_TASKS[2]]
    deal = ProblemDeal(planned_problem(owner, tasks), viewer_of(owner))

    outcome = fund(deal, gateway)

    assert len(outcome.listing_ids) == 2
    content = deal.tasks()["content"]
    assert (content.status, content.listing_id) == ("planned", None)


# ---- a micro-task's contract funded from the problem -------------------------------------------------------------


def test_accepting_a_bid_funds_its_contract_from_the_problems_escrow(problem: ProblemDeal, db: Session) -> None:
    cid = hire(problem, "audit", make_user("ken"), price="450", accept_terms=False)

    made = contract(cid)
    assert (made.funding_source, made.status, made.problem_id) == ("problem", "awaiting_acceptance", problem.problem_id)
    assert escrow_of_contract(cid) == 45_000
    assert escrow_of_problem(problem.problem_id) == BUDGET - 45_000
    task = problem.tasks()["audit"]
    assert (task.status, task.contract_id) == ("contracted", cid)
    [entry] = entries(db, "allocate")
    assert entry.idempotency_key == f"allocate:contract:{cid}"
    the_books_balance(db)


def test_once_both_accept_a_problem_funded_contract_work_starts_without_a_payment(problem: ProblemDeal) -> None:
    cid = hire(problem, "audit", make_user("ken"), price="450")

    started = contract(cid)
    assert started.status == "funded" and started.due_at is not None
    assert problem.payments()[0].contract_id is None  # the problem's one payment, no other


def test_a_bid_above_what_the_escrow_holds_is_refused_and_nothing_is_stored(problem: ProblemDeal, db: Session) -> None:
    hire(problem, "content", make_user("ken"), price="2000")  # more than its share: the escrow still holds it
    bid_id = bid(problem, "ads", make_user("kim"), price="1500")

    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        bids.accept_bid(session, viewer=problem.owner, bid_id=bid_id)

    assert refused.value.fields["form"] == (
        "The problem's escrow holds $1,000.00; this bid is $1,500.00. Re-split the budget or fund more."
    )
    assert problem.listing_of("ads").status == "open"
    assert db.get(Bid, bid_id).status == "pending"  # type: ignore[union-attr]
    assert escrow_of_problem(problem.problem_id) == 100_000
    assert problem.tasks()["ads"].status == "open"


def test_the_ledger_itself_refuses_to_allocate_more_than_the_problem_escrow_holds(problem: ProblemDeal) -> None:
    cid = hire(problem, "audit", make_user("ken"), price="450", accept_terms=False)
    with session_scope() as session:
        found, held = session.get(Problem, problem.problem_id), contract(cid)
        assert found is not None
        found.returning_minor = BUDGET  # a refund under way takes all the rest
        held.id = cid + 1000  # a contract the ledger has not funded yet
        with pytest.raises(InsufficientFunds):
            problem_escrow.allocate(session, found, held)
        session.rollback()


def test_approval_releases_a_problem_funded_contract_and_marks_its_task_done(problem: ProblemDeal, db: Session) -> None:
    ken = make_user("ken")
    cid = hire(problem, "audit", ken, price="450")
    deal = Deal(cid, problem.owner, viewer_of(ken))
    deliver(deal)

    split = approve(deal)

    assert contract(cid).status == "completed"
    assert escrow_of_contract(cid) == 0
    assert split.payee_minor + split.fee_minor == 45_000
    assert problem.tasks()["audit"].status == "done"
    assert escrow_of_problem(problem.problem_id) == BUDGET - 45_000
    the_books_balance(db)


def test_a_problem_funded_contract_cancelled_by_agreement_gives_its_escrow_back_to_the_problem(
    problem: ProblemDeal, gateway: ScriptedGateway, db: Session
) -> None:
    ken = make_user("ken")
    cid = hire(problem, "audit", ken, price="450")
    with session_scope() as session:
        cancellation.request_cancellation(session, viewer=viewer_of(ken), contract_id=cid)

    run_now(
        cancellation.agree_cancellation(
            session_factory=session_scope, gateway=gateway, viewer=problem.owner, contract_id=cid
        )
    )

    assert contract(cid).status == "cancelled"
    assert escrow_of_contract(cid) == 0 and escrow_of_problem(problem.problem_id) == BUDGET
    assert gateway.refunds == {}  # never a card refund
    task = problem.tasks()["audit"]
    assert (task.status, task.contract_id) == ("open", None)
    assert problem.listing_of("audit").status == "open"
    [entry] = entries(db, "return_to_problem")
    assert entry.idempotency_key == f"return:contract:{cid}"
    the_books_balance(db)


def test_a_contractor_withdrawing_before_accepting_gives_the_escrow_back_to_the_problem(problem: ProblemDeal) -> None:
    ken = make_user("ken")
    cid = hire(problem, "audit", ken, price="450", accept_terms=False)

    with session_scope() as session:
        cancellation.request_cancellation(session, viewer=viewer_of(ken), contract_id=cid)

    assert contract(cid).status == "cancelled"
    assert escrow_of_problem(problem.problem_id) == BUDGET


def test_a_contract_never_accepted_expires_and_gives_the_escrow_back_to_the_problem(
    problem: ProblemDeal, gateway: ScriptedGateway
) -> None:
    cid = hire(problem, "audit", make_user("ken"), price="450", accept_terms=False)

    run_jobs(gateway, now=utcnow() + timedelta(days=30))

    assert contract(cid).status == "expired"
    assert escrow_of_problem(problem.problem_id) == BUDGET and escrow_of_contract(cid) == 0


# ---- what is left ------------------------------------------------------------------------------------------------


def test_cancelling_a_task_back_to_the_owner_refunds_its_share_through_the_gateway(
    problem: ProblemDeal, gateway: ScriptedGateway, db: Session
) -> None:
    refunded = cancel_task(problem, gateway, "ads", to="client")

    assert refunded == 100_000
    [payment] = problem.payments()
    assert gateway.refunds == {payment.external_id: 100_000}
    assert payment.refunded_minor == 100_000 and payment.status == "succeeded"
    assert escrow_of_problem(problem.problem_id) == BUDGET - 100_000
    assert problem.tasks()["ads"].status == "cancelled"
    assert problem.listing_of("ads").status == "cancelled"
    [entry] = entries(db, "refund_problem")
    assert entry.idempotency_key == f"refund:payment:{payment.id}:to:100000"
    the_books_balance(db)


def test_cancelling_a_task_to_the_other_tasks_grows_their_shares_exactly_and_moves_no_money(
    problem: ProblemDeal, gateway: ScriptedGateway, db: Session
) -> None:
    moved = cancel_task(problem, gateway, "ads", to="tasks")

    tasks = problem.tasks()
    assert moved == 100_000
    assert (tasks["audit"].budget_minor, tasks["content"].budget_minor, tasks["ads"].budget_minor) == (
        75_000,
        225_000,
        0,
    )
    assert sum(t.budget_minor for t in tasks.values()) == BUDGET
    assert problem.listing_of("content").budget_minor == 225_000
    assert escrow_of_problem(problem.problem_id) == BUDGET and gateway.refunds == {}
    assert entries(db, "refund_problem") == []


def test_what_a_cheaper_bid_left_of_a_share_can_go_back_to_the_owner(
    problem: ProblemDeal, gateway: ScriptedGateway
) -> None:
    hire(problem, "audit", make_user("ken"), price="450")  # its share was $500

    assert return_remainder(problem, gateway) == 5_000

    assert escrow_of_problem(problem.problem_id) == BUDGET - 45_000 - 5_000


def test_nothing_is_returned_while_the_tasks_need_all_of_it(problem: ProblemDeal, gateway: ScriptedGateway) -> None:
    with pytest.raises(ValidationFailed, match="Nothing is left to return"):
        return_remainder(problem, gateway)

    assert gateway.refunds == {}


def test_a_refund_that_fails_at_the_gateway_changes_nothing_and_can_be_retried(
    problem: ProblemDeal, gateway: ScriptedGateway
) -> None:
    hire(problem, "audit", make_user("ken"), price="450")
    gateway.refunds_fail = True
    with pytest.raises(ValidationFailed, match="could not be made"):
        return_remainder(problem, gateway)
    assert problem.load().returning_minor == 0 and escrow_of_problem(problem.problem_id) == BUDGET - 45_000

    gateway.refunds_fail = False
    assert return_remainder(problem, gateway) == 5_000


def test_when_every_task_is_finished_the_whole_remainder_goes_back(
    problem: ProblemDeal, gateway: ScriptedGateway, db: Session
) -> None:
    ken = make_user("ken")
    cid = hire(problem, "audit", ken, price="450")
    deal = Deal(cid, problem.owner, viewer_of(ken))
    deliver(deal)
    approve(deal)
    cancel_task(problem, gateway, "content", to="client")
    cancel_task(problem, gateway, "ads", to="client")

    assert escrow_of_problem(problem.problem_id) == 0
    [payment] = problem.payments()
    assert payment.refunded_minor == BUDGET - 45_000
    assert problem.load().status == "completed"
    the_books_balance(db)


def test_a_task_cancelled_back_to_the_owner_whose_refund_fails_says_it_is_cancelled_and_its_share_stays_free(
    problem: ProblemDeal, gateway: ScriptedGateway
) -> None:
    """Found by the money state machine: the task was cancelled, then the refund failed with "Nothing changed; please
    try again", and trying again was refused because the task was cancelled already."""
    gateway.refunds_fail = True

    with pytest.raises(ValidationFailed) as refused:
        cancel_task(problem, gateway, "ads", to="client")

    assert "“Run a search ad test” is cancelled" in refused.value.message
    assert "Nothing changed" not in refused.value.message
    assert problem.tasks()["ads"].status == "cancelled"
    assert escrow_of_problem(problem.problem_id) == BUDGET and problem.load().returning_minor == 0
    gateway.refunds_fail = False
    assert return_remainder(problem, gateway) == 100_000


@pytest.mark.parametrize("to", ["client", "tasks"])
def test_a_task_reopened_after_its_leftover_went_elsewhere_promises_only_what_came_back(
    problem: ProblemDeal, gateway: ScriptedGateway, to: str
) -> None:
    """Found by the money state machine: the audit's $500 share hired at $450, the $50 left given back (or to the other
    tasks), then the contract ends unreleased: the task reopens at the $450 that came back, not its old $500, so the
    escrow still covers every task to be hired."""
    ken = make_user("ken")
    contract_id = hire(problem, "audit", ken, price="450", accept_terms=False)
    assert return_remainder(problem, gateway, to=to) == 5_000
    with session_scope() as session:
        cancellation.request_cancellation(session, viewer=viewer_of(ken), contract_id=contract_id)

    tasks = problem.tasks()
    assert (tasks["audit"].status, tasks["audit"].budget_minor) == ("open", 45_000)
    assert problem.listing_of("audit").budget_minor == 45_000
    to_hire = sum(t.budget_minor for t in tasks.values() if t.status == "open")
    assert to_hire <= escrow_of_problem(problem.problem_id)


def test_the_hired_contractor_is_told_the_escrow_is_already_funded(problem: ProblemDeal, db: Session) -> None:
    ken = make_user("ken")
    contract_id = hire(problem, "audit", ken, price="450", accept_terms=False)
    told = db.exec(
        select(Notification).where(Notification.user_id == ken.id, Notification.kind == "bid_accepted")
    ).one()
    assert "already funded from the client's problem" in told.body and told.link == f"/contracts/{contract_id}"
