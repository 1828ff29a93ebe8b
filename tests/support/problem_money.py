"""Problems with money, arranged through the real services: funded (sandbox or the Stripe model), their micro-tasks
bid on and hired, and one read of what the problem's escrow and its contracts' escrows hold."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from jtbd_app.db import read_scope, session_scope
from jtbd_app.models import Contract, LedgerAccount, Listing, MicroTask, Payment, Problem, User
from jtbd_app.services.contracts import lifecycle, webhooks
from jtbd_app.services.marketplace import bids
from jtbd_app.services.ports import GatewayEvent, PaymentGateway
from jtbd_app.services.problems import problem_funding, problem_returns
from jtbd_app.services.viewer import Viewer
from tests.support.contracts import TEST_CARD, run_now
from tests.support.problems import planned_problem
from tests.support.viewers import viewer_of


@dataclass
class ProblemDeal:
    problem_id: int
    owner: Viewer

    def load(self) -> Problem:
        with read_scope() as session:
            problem = session.get(Problem, self.problem_id)
            assert problem is not None
            return problem

    def tasks(self) -> dict[str, MicroTask]:
        with read_scope() as session:
            rows = session.exec(select(MicroTask).where(MicroTask.problem_id == self.problem_id)).all()
            return {t.key: t for t in rows}

    def listing_of(self, key: str) -> Listing:
        task = self.tasks()[key]
        with read_scope() as session:
            listing = session.get(Listing, task.listing_id)
            assert listing is not None
            return listing

    def payments(self) -> list[Payment]:
        with read_scope() as session:
            query = select(Payment).where(Payment.problem_id == self.problem_id).order_by(col(Payment.id))
            return list(session.exec(query).all())


def escrow_of_problem(problem_id: int) -> int:
    with read_scope() as session:
        account = session.exec(
            select(LedgerAccount).where(LedgerAccount.kind == "problem_escrow", LedgerAccount.problem_id == problem_id)
        ).first()
        return account.balance_minor if account else 0


def escrow_of_contract(contract_id: int) -> int:
    with read_scope() as session:
        account = session.exec(
            select(LedgerAccount).where(LedgerAccount.kind == "escrow", LedgerAccount.contract_id == contract_id)
        ).first()
        return account.balance_minor if account else 0


def planned(owner: User) -> ProblemDeal:
    """Three internal micro-tasks sharing $3,000: audit $500, content $1,500, ads $1,000."""
    return ProblemDeal(planned_problem(owner), viewer_of(owner))


def fund(deal: ProblemDeal, gateway: PaymentGateway, card: str = TEST_CARD) -> problem_funding.ProblemFundingOutcome:
    return run_now(
        problem_funding.fund_problem(
            session_factory=session_scope,
            gateway=gateway,
            viewer=deal.owner,
            problem_id=deal.problem_id,
            test_card=card,
        )
    )


def bid(deal: ProblemDeal, key: str, contractor: User, *, price: str) -> int:
    listing = deal.listing_of(key)
    with session_scope() as session:
        return bids.place_bid(
            session,
            viewer=viewer_of(contractor),
            listing_id=listing.id,
            values={"amount": price, "message": "I can do this task well.", "delivery_days": "5"},
        )


def hire(deal: ProblemDeal, key: str, contractor: User, *, price: str, accept_terms: bool = True) -> int:
    """The contractor bids on the task's listing and the owner accepts (the contract is funded from the problem);
    both then accept the contract unless told not to."""
    bid_id = bid(deal, key, contractor, price=price)
    with session_scope() as session:
        contract_id = bids.accept_bid(session, viewer=deal.owner, bid_id=bid_id)
    if accept_terms:
        for who in (deal.owner, viewer_of(contractor)):
            with session_scope() as session:
                lifecycle.accept_terms(session, viewer=who, contract_id=contract_id, version=1)
    return contract_id


def contract(contract_id: int) -> Contract:
    with read_scope() as session:
        found = session.get(Contract, contract_id)
        assert found is not None
        return found


def return_remainder(deal: ProblemDeal, gateway: PaymentGateway, to: str = "client") -> int:
    return run_now(
        problem_returns.return_remainder(
            session_factory=session_scope, gateway=gateway, viewer=deal.owner, problem_id=deal.problem_id, to=to
        )
    )


def cancel_task(deal: ProblemDeal, gateway: PaymentGateway, key: str, to: str) -> int:
    return run_now(
        problem_returns.cancel_task(
            session_factory=session_scope,
            gateway=gateway,
            viewer=deal.owner,
            problem_id=deal.problem_id,
            task_key=key,
            to=to,
        )
    )


def deliver_event(gateway_name: str, event: GatewayEvent) -> str:
    """What the webhook route does with a verified event: one unit of work."""
    with session_scope() as session:
        return webhooks.process_event(session, gateway_name=gateway_name, event=event)
