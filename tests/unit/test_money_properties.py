"""Random sequences of contract money actions and of Stripe's doings, on SQLite, with the books checked after
every step (the machine and its checks: tests/support/money_machine.py).

Each sequence starts from its own copy of a prepared SQLite database. The "money" profile (every `make test`) tries
300 random sequences of up to 20 steps, a new random selection every run; MONEY_PROFILE=money-deep tries 3,000
sequences of up to 30 steps. MONEY_WITHOUT leaves rule families out (see the machine's docstring).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test
from sqlmodel import select

from jtbd_app.db import get_engine, read_scope, session_scope
from jtbd_app.domain import disputes as dispute_rules
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import ContractEvent, FreezeDecision, Notification, User
from jtbd_app.services.contracts import disputes as card_disputes
from jtbd_app.services.contracts import funding
from jtbd_app.services.trust import decisions, dispute_endings, dispute_view
from jtbd_app.services.viewer import Viewer
from tests.support.contracts import Deal, agreed_contract
from tests.support.members import make_user
from tests.support.money_machine import GOOD_CARD, GatewayMoney, charges_for, open_accounts
from tests.support.problem_money import ProblemDeal, planned
from tests.support.problem_money_machine import ProblemMoney
from tests.support.viewers import viewer_of

settings.register_profile(
    "money",
    max_examples=300,
    stateful_step_count=20,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile("money-deep", settings.get_profile("money"), max_examples=3_000, stateful_step_count=30)
settings.register_profile(
    "money-explore", settings.get_profile("money"), max_examples=1_500, stateful_step_count=25, database=None
)
MONEY = settings.get_profile(os.environ.get("MONEY_PROFILE", "money"))
settings.register_profile("problem-money", settings.get_profile("money"), max_examples=40, stateful_step_count=15)
settings.register_profile(
    "problem-money-deep", settings.get_profile("money"), max_examples=1_000, stateful_step_count=30
)
settings.register_profile(
    "problem-money-explore",
    settings.get_profile("problem-money"),
    max_examples=1_500,
    stateful_step_count=25,
    database=None,
    phases=[Phase.generate],  # no shrinking: the steps taken are in the failure's notes
)
PROBLEM_MONEY = settings.get_profile(os.environ.get("PROBLEM_MONEY_PROFILE", "problem-money"))


@dataclass(frozen=True)
class SqliteWorld:
    """The prepared database as a file, and each starting point built from it as a file too."""

    template: Path
    database: Path
    deals: tuple[Deal, ...]
    stranger: Viewer
    starts: dict[tuple[str, ...], Path] = field(default_factory=dict)
    problem: ProblemDeal = field(default_factory=lambda: ProblemDeal(0, Viewer(0, "", "", "member", "active")))

    def restore(self, start: tuple[str, ...] | None) -> bool:
        get_engine().dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        saved = self.starts.get(start) if start else None
        shutil.copyfile(saved or self.template, self.database)
        return saved is not None

    def save(self, start: tuple[str, ...]) -> None:
        get_engine().dispose()
        self.starts[start] = self.template.with_name(f"start-{len(self.starts)}.db")
        shutil.copyfile(self.database, self.starts[start])


def prepared_deals() -> tuple[tuple[Deal, ...], Viewer]:
    """Carol hired Ken twice (once through Kim's listing) and Kim once, in yen; Eve is a stranger to all three."""
    carol, ken, kim, eve = (make_user(name) for name in ("carol", "ken", "kim", "eve"))
    deals = (
        agreed_contract(carol, ken, price="100"),
        agreed_contract(kim, ken, price="10.05"),  # a fee of 100.5 cents rounds up
        agreed_contract(carol, kim, price="55", currency="JPY"),  # no minor unit: a fee of 5.5 yen rounds up
    )
    open_accounts(deals)
    return deals, viewer_of(eve)


def contracts_machine(database: str) -> type[GatewayMoney]:
    """The contracts' machine on a copy of the prepared database."""
    path = Path(database.removeprefix("sqlite:///"))
    deals, stranger = prepared_deals()
    get_engine().dispose()
    template = path.with_name("template.db")
    shutil.copyfile(path, template)
    prepared = SqliteWorld(template, path, deals, stranger)

    class OnSqlite(GatewayMoney):
        world = prepared

    return OnSqlite


def test_money_stays_right_through_random_sequences_of_contract_and_gateway_actions(database: str) -> None:
    run_state_machine_as_test(contracts_machine(database), settings=MONEY)


def problem_world(database: str) -> SqliteWorld:
    """The contracts' world with Carol's $3,000 problem planned beside them."""
    path = Path(database.removeprefix("sqlite:///"))
    deals, stranger = prepared_deals()
    with read_scope() as session:
        carol = session.get(User, deals[0].client.user_id)
        assert carol is not None
    problem = planned(carol)
    get_engine().dispose()
    template = path.with_name("template.db")
    shutil.copyfile(path, template)
    return SqliteWorld(template, path, deals, stranger, problem=problem)


def test_a_problems_money_stays_right_through_random_sequences_of_problem_contract_and_gateway_actions(
    database: str,
) -> None:
    """The same with Carol's $3,000 problem beside the contracts (tests/support/problem_money_machine.py): 40
    sequences of up to 15 steps; PROBLEM_MONEY_PROFILE=problem-money-deep tries 1,000 of up to 30."""
    prepared = problem_world(database)

    class OnSqlite(ProblemMoney):
        world = prepared

    run_state_machine_as_test(OnSqlite, settings=PROBLEM_MONEY)


def replay(database: str, steps: Callable[[GatewayMoney], None]) -> None:
    """One sequence the random runs found, replayed as a worked example: `steps` act on the machine, whose checks run
    after every step and whose teardown ends every dispute."""
    machine = contracts_machine(database)

    @settings(max_examples=1, database=None, deadline=None, phases=[Phase.generate])
    @given(st.just(None))
    def the_sequence(_: None) -> None:
        state = machine()
        try:
            steps(state)
        finally:
            state.teardown()
        state.the_books_hold()

    the_sequence()


@pytest.mark.parametrize("part", ["half", "none", "one", "full"])
def test_a_decision_whose_refund_answer_was_lost_is_finished_once_after_the_gateways_report(
    database: str, part: str
) -> None:
    """Found by the sequences: with the gateway's answers lost, a client disputes a funded contract and an
    administrator decides it; the refund is made at the gateway but its answer is lost, and the gateway's
    charge.refunded report reaches the platform before the decision is run again. The report is booked once and the
    retry splits what is left (it failed on the ledger, refunding the client's part a second time)."""

    def steps(state: GatewayMoney) -> None:
        state.start(phases=("funded", "agreed", "agreed"), onboarded=(False, False))
        state.gateway_trouble(trouble="answers lost")
        state.a_party_opens_a_dispute(n=0, wanted="full_refund", who="client")
        state.an_administrator_splits_a_disputed_contract(n=0, part=part)
        state.the_books_hold()

    replay(database, steps)


def test_a_decision_after_a_refund_in_the_dashboard_not_yet_reported_refunds_what_is_left_once_it_is(
    database: str,
) -> None:
    """Found by the sequences: half of a delivered contract's payment is refunded in Stripe's dashboard, and before
    the platform hears of it the client disputes and an administrator gives the contractor one unit. The gateway
    refuses the decision's refund (it would refund more than is left); once the dashboard's refund is reported, the
    retry refunds only what the decision still owes the client (it asked for the whole part again, under the same
    key, and was refused for ever)."""

    def steps(state: GatewayMoney) -> None:
        state.start(phases=("agreed", "funded", "delivered"), onboarded=(False, False))
        state.refund_in_the_dashboard(n=2, part="half", which=0)
        state.a_party_opens_a_dispute(n=2, wanted="full_refund", who="client")
        state.an_administrator_splits_a_disputed_contract(n=2, part="one")
        state.the_books_hold()

    replay(database, steps)


def test_a_refund_in_the_dashboard_while_a_settlement_is_carried_out_is_taken_from_the_contractors_part(
    database: str,
) -> None:
    """Found by the sequences: the parties settle a disputed contract half and half while the gateway's answers are
    lost, so the client's part is refunded at the gateway but the settlement waits to be run again; meanwhile one yen
    more is refunded in Stripe's dashboard. Once both refunds are reported, the settlement releases what the escrow
    still holds (it asked the ledger for the whole agreed part, more than the escrow held, and failed for ever), and
    the contract's history says why the contractor got less."""

    def steps(state: GatewayMoney) -> None:
        state.start(phases=("agreed", "agreed", "funded"), onboarded=(False, False))
        state.a_party_opens_a_dispute(n=2, wanted="full_refund", who="client")
        state.gateway_trouble(trouble="answers lost")
        state.the_parties_settle_on_a_split(n=2, part="half", offerer="client")
        state.run_scheduler_after_the_auto_release_days()
        state.refund_in_the_dashboard(n=2, part="one", which=0)
        state.run_scheduler_after_the_auto_release_days()
        state.the_books_hold()

    replay(database, steps)
    with read_scope() as session:
        details = session.exec(select(ContractEvent.detail).where(ContractEvent.kind == "decided")).all()
    assert any("took ¥1 of the contractor's part" in detail for detail in details), details


def test_no_settlement_is_made_while_a_chargeback_waits_for_the_card_issuer(database: str) -> None:
    """Found by the sequences: a client disputes a delivered contract on the platform and charges the card back;
    the parties then agree to give the contractor everything. The settlement was carried out and the contractor paid
    while the card network held the money. Now the offer is refused until the issuer decides; at the end the issuer
    decides and an administrator ends the case."""

    def steps(state: GatewayMoney) -> None:
        state.start(phases=("agreed", "delivered", "agreed"), onboarded=(True, False))
        state.a_party_opens_a_dispute(n=1, wanted="full_refund", who="client")
        state.cardholder_disputes_a_charge(n=1, which=0)
        state.everything_arrives_and_the_due_jobs_run(seed=0)
        assert state.card_dispute_open(1)
        state.the_parties_settle_on_a_split(n=1, offerer="client", part="full")
        state.run_scheduler_after_the_funding_deadline()
        state.the_books_hold()
        assert not state.gateway.transfers

    replay(database, steps)


def test_a_dispute_on_a_problems_contract_goes_to_review_when_its_deadline_passes(database: str) -> None:
    """Found by the sequences: a problem funded twice (its second payment to be returned), then a dispute on one of
    its contracts; when the response window ends, the scheduler (the app's whole job table) moves the case to review."""
    prepared = problem_world(database)

    class OnSqlite(ProblemMoney):
        world = prepared

    @settings(max_examples=1, database=None, deadline=None, phases=[Phase.generate])
    @given(st.just(None))
    def the_sequence(_: None) -> None:
        state = OnSqlite()
        try:
            state.start(phase="planned", onboarded=(False, False))
            state.fund_again_from_a_second_tab(n=0)
            state.a_party_opens_a_dispute(n=0, wanted="full_refund", who="client")
            state.the_dispute_deadlines_pass()
            state.the_books_hold()
        finally:
            state.teardown()

    the_sequence()


@pytest.mark.parametrize(
    ("order", "confirmed_in_the_browser"),
    [
        ("report, then pay again", False),
        ("pay again, then the report", False),
        ("pay again twice", False),
        ("pay again while Stripe fails, then again", False),
        ("report, then pay again", True),
        # Paying again gets the payment to confirm back; paying once more while it waits is a new payment, as always.
        ("pay again, then the report", True),
    ],
)
def test_paying_again_after_a_lost_answer_asks_about_the_same_payment_and_charges_once(
    database: str, order: str, confirmed_in_the_browser: bool
) -> None:
    """The client pays; Stripe takes the money (or starts a payment the browser must confirm) but its answer is lost.
    Whether Stripe's report comes before or after the client pays again, and however often either happens, the card
    is charged once, the contract is funded once, and nothing goes back."""

    def steps(state: GatewayMoney) -> None:
        state.start(phases=("agreed", "funded", "funded"), onboarded=(False, False))
        state.gateway_trouble(trouble="answers lost")
        if confirmed_in_the_browser:
            state.start_a_card_payment_needing_confirmation(n=0)
        else:
            state.fund(n=0, who="client", card=GOOD_CARD)
        state.gateway_trouble(trouble="none")
        owner = ("contract", state.cid(0))
        assert charges_for(state.gateway, owner) == 1 and state.load(0).status == "awaiting_funding"
        if order == "report, then pay again":
            if confirmed_in_the_browser:
                state.client_confirms_a_card_in_the_browser(pick=0, succeeds=True)
            state.an_event_arrives(pick=0)
            assert state.load(0).status == "funded"
            state.fund(n=0, who="client", card=GOOD_CARD)  # refused: already funded
        else:
            if order == "pay again while Stripe fails, then again":  # an error on Stripe's side, before it looked
                state.gateway_trouble(trouble="payments")
                refused = state.attempt(lambda: state.fund_as(0, "client", GOOD_CARD))
                assert isinstance(refused, ValidationFailed) and funding.UNANSWERED in refused.fields["card"]
                state.gateway_trouble(trouble="none")
            for _ in range(2 if order == "pay again twice" else 1):
                state.fund(n=0, who="client", card=GOOD_CARD)  # the machine checks: Stripe's first answer again
            if confirmed_in_the_browser:
                assert state.load(0).status == "awaiting_funding"
                state.client_confirms_a_card_in_the_browser(pick=0, succeeds=True)
        state.everything_arrives_and_the_due_jobs_run(seed=7)
        state.an_answered_event_arrives_again(pick=0)
        assert state.load(0).status == "funded"
        assert charges_for(state.gateway, owner) == 1
        assert [(p.status, p.refunded_minor) for p in state.payments(0)] == [("succeeded", 0)]

    replay(database, steps)


@pytest.mark.parametrize("decided_by", ["the parties", "an administrator"])
def test_a_decision_overtaken_by_a_lost_chargeback_moves_nothing_and_its_case_ends(
    database: str, decided_by: str
) -> None:
    """Found by the sequences (2026-12-07): a dispute is settled by the parties, or decided by an administrator, on a
    split while the client's card dispute has not reached the platform yet; the decision's refund is refused (Stripe
    refunds no disputed charge), then the card issuer decides the chargeback for the client. The whole payment went
    back through the chargeback: the contract is cancelled with nothing held, the kept decision ends as overtaken
    (it moved nothing, and a retry says why instead of asking the gateway again), the case ends (an administrator's
    as "the payment went back to the client"), and both parties read what happened. It used to wait forever."""

    def steps(state: GatewayMoney) -> None:
        state.start(phases=("agreed", "agreed", "delivered"), onboarded=(False, False))
        state.a_party_opens_a_dispute(n=2, wanted="full_refund", who="client")
        state.cardholder_disputes_a_charge(n=2, which=0)
        state.run_scheduler_now()
        if decided_by == "the parties":
            state.the_parties_settle_on_a_split(n=2, offerer="client", part="half")
        else:
            state.the_dispute_deadlines_pass()
            refused = state.attempt(lambda: state.decide_as_admin(2, state.load(2).amount_minor // 2))
            assert isinstance(refused, ValidationFailed) and "refund could not be made" in refused.fields["form"]
        with session_scope() as session:
            kept = session.get(FreezeDecision, state.cid(2))
            assert kept is not None and kept.status == "deciding"
        state.a_dispute_closes(n=2, won=False)
        state.everything_arrives_and_the_due_jobs_run(seed=0)
        assert state.load(2).status == "cancelled" and state.escrow_held(2) == 0
        assert not state.gateway.transfers
        with session_scope() as session:
            decision = session.get(FreezeDecision, state.cid(2))
            assert decision is not None and decision.status == "overtaken"
            said = [
                n.body
                for n in session.exec(select(Notification).where(Notification.user_id == state.load(2).client_id))
            ]
            assert any("was not carried out" in body for body in said), said
        if decided_by == "the parties":
            again = state.attempt(lambda: state.accept_as(2, "contractor"))
        else:
            again = state.attempt(
                lambda: state.run(
                    decisions.retry_decision(
                        session_factory=session_scope,
                        gateway=state.gateway,
                        viewer=state.admin(),
                        contract_id=state.cid(2),
                    )
                )
            )
        assert isinstance(again, ValidationFailed) and again.fields["form"] == card_disputes.OVERTAKEN, again
        with session_scope() as session:
            panel = dispute_view.dispute_panel(session, viewer=state.viewer(2, "client"), contract_id=state.cid(2))
        assert panel.ended
        if decided_by == "the parties":
            assert panel.status == dispute_rules.SETTLED and card_disputes.OVERTAKEN in panel.decision
        else:
            assert panel.status == dispute_rules.RESOLVED and panel.decision_reason == dispute_endings.GONE_BACK

    replay(database, steps)
