"""A frozen contract's way out: an administrator decides once what the contractor gets (issue 10), through the
service and through the operator command."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from jtbd_app import cli
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import AuditEntry, ContractEvent, Dispute, FreezeDecision, Payment, Payout
from jtbd_app.services.contracts import resolution
from jtbd_app.services.ledger import journal
from jtbd_app.services.ports import GatewayResult, PaymentFailed
from jtbd_app.services.viewer import Viewer
from tests.support.contracts import Deal, run_jobs, run_now
from tests.support.disputes import gateway_frozen
from tests.support.members import make_user
from tests.support.stripe_contracts import pending_stripe_payment
from tests.support.viewers import viewer_of
from tests.unit.test_money_events_in_any_order import (
    PRICE,
    StripeLike,
    books_hold,
    cash,
    dispute,
    escrow_held,
    loss,
    refunded,
    released,
    succeeded,
)


class FailingOnce(StripeLike):
    def __init__(self) -> None:
        super().__init__()
        self.fail = True

    async def refund(self, *, payment_external_id: str, amount_minor: int, idempotency_key: str) -> GatewayResult:
        if self.fail:
            self.fail = False
            raise PaymentFailed("The payment service did not answer.")
        return await super().refund(
            payment_external_id=payment_external_id, amount_minor=amount_minor, idempotency_key=idempotency_key
        )


@pytest.fixture
def admin() -> Viewer:
    return viewer_of(make_user("ada", role="admin"))


@pytest.fixture
def frozen_by_a_partial_refund(deal: Deal) -> Deal:
    pending_stripe_payment(deal)
    succeeded()
    refunded(3_000)  # the escrow keeps 7,000 and is frozen
    return deal


def decide(gateway: StripeLike, viewer: Viewer | None, deal: Deal, contractor: object, note: str = "") -> str:
    return run_now(
        resolution.resolve_frozen(
            session_factory=session_scope,
            gateway=gateway,
            viewer=viewer,
            contract_id=deal.contract_id,
            contractor_minor=contractor,
            note=note,
        )
    )


def test_an_administrator_splits_a_frozen_escrow_once(
    frozen_by_a_partial_refund: Deal, admin: Viewer, db: Session
) -> None:
    deal = frozen_by_a_partial_refund
    with session_scope() as s:
        listed = resolution.frozen_contracts(s, viewer=admin)
    assert [(f.contract_id, f.held_minor) for f in listed] == [(deal.contract_id, 7_000)]

    gateway = StripeLike()
    assert decide(gateway, admin, deal, "5000", "Half the work was usable.") == "split between the parties"

    contract = deal.load()
    assert contract.status == "completed" and not contract.release_frozen
    assert gateway.refunds == [("pi_1", 2_000)] and escrow_held(db, deal) == 0
    assert db.exec(select(Payout)).one().amount_minor == 4_500  # 5,000 less the 10% fee
    assert cash(db) == 5_000 and journal.balances_by_code(db)["fee_revenue:USD"] == 500
    timeline = db.exec(select(ContractEvent).where(ContractEvent.kind == "decided")).one()
    assert "Half the work was usable." in timeline.detail and timeline.actor_id == admin.user_id

    with pytest.raises(ValidationFailed, match="decided already"):
        decide(gateway, admin, deal, "7000")
    assert refunded(5_000) == "already refunded"  # Stripe's event for the decision's refund moves nothing
    books_hold(db)


def test_only_an_administrator_decides_and_only_within_what_is_held(
    frozen_by_a_partial_refund: Deal, admin: Viewer, db: Session
) -> None:
    deal = frozen_by_a_partial_refund
    for who in (deal.client, deal.contractor, None):
        with pytest.raises((PermissionDenied, NotSignedIn)):
            decide(StripeLike(), who, deal, "0")
    for bad in ("7001", "-1", "lots", 1.5, None):
        with pytest.raises(ValidationFailed) as refused:
            decide(StripeLike(), admin, deal, bad)
        assert "contractor_minor" in refused.value.fields
    assert deal.load().release_frozen and db.exec(select(FreezeDecision)).first() is None


def test_a_refund_that_fails_keeps_the_decision_and_running_it_again_finishes_it(
    frozen_by_a_partial_refund: Deal, admin: Viewer, db: Session
) -> None:
    deal = frozen_by_a_partial_refund
    gateway = FailingOnce()
    with pytest.raises(ValidationFailed, match="run it again"):
        decide(gateway, admin, deal, "0")
    assert deal.load().release_frozen and escrow_held(db, deal) == 7_000

    assert decide(gateway, admin, deal, "7000") == "refunded to the client"  # the decision made stands
    assert gateway.refunds == [("pi_1", 7_000)] and deal.load().status == "cancelled" and cash(db) == 0
    books_hold(db)


def test_a_payout_held_after_a_refund_past_release_is_kept_back_to_cover_the_loss(
    deal: Deal, admin: Viewer, db: Session
) -> None:
    pending_stripe_payment(deal)
    succeeded()
    released(deal)
    run_jobs(StripeLike())  # no payout account: the payout waits
    refunded(PRICE)
    assert loss(db) == PRICE

    assert cli.main(["frozen", "--admin", "ada@example.com"]) == 0
    code = cli.main(["resolve-frozen", str(deal.contract_id), "--contractor", "0", "--admin", "ada@example.com"])

    assert code == 0 and not deal.load().release_frozen
    assert db.exec(select(Payout)).one().status == "cancelled"
    decided = db.exec(select(AuditEntry).where(AuditEntry.action == "dispute.decide")).one()  # as from the page
    assert (decided.actor_id, decided.subject) == (admin.user_id, f"contract:{deal.contract_id}")
    assert loss(db) == PRICE - 9_000  # the platform lost only its fee
    books_hold(db)


def test_the_operator_command_refuses_a_member_who_is_not_an_administrator(
    frozen_by_a_partial_refund: Deal, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["resolve-frozen", "1", "--contractor", "0", "--admin", "carol@example.com"])
    assert code == 1 and "administrator" in capsys.readouterr().err


def test_no_refund_is_decided_on_a_card_disputed_payment_but_a_release_is(
    deal: Deal, admin: Viewer, db: Session
) -> None:
    gateway_frozen(deal)
    payment = db.exec(select(Payment).where(Payment.contract_id == deal.contract_id)).one()
    with session_scope() as s:  # the card issuer's dispute ended won: the money is back, the charge still disputed
        s.add(Dispute(id="dp_1", payment_id=payment.id or 0, amount_minor=1_000, currency="USD", status="won"))
    held = escrow_held(db, deal)

    for contractor_gets in ("0", str(held // 2)):
        with pytest.raises(ValidationFailed, match="refuses any refund"):
            decide(StripeLike(), admin, deal, contractor_gets)
    assert deal.load().release_frozen and db.exec(select(FreezeDecision)).first() is None

    assert decide(StripeLike(), admin, deal, str(held)) == "released to the contractor"
    assert deal.load().status == "completed" and escrow_held(db, deal) == 0


def test_nothing_is_decided_while_the_card_issuer_has_not_decided_a_chargeback(
    deal: Deal, admin: Viewer, db: Session
) -> None:
    """Found by the money sequences: a release decided during an open chargeback paid the contractor money the card
    network had withdrawn and might give the client. Now the contract waits, frozen, for the issuer's decision."""
    pending_stripe_payment(deal)
    succeeded()
    dispute("created")
    dispute("funds_withdrawn")
    held = escrow_held(db, deal)

    with pytest.raises(ValidationFailed, match="has not decided yet"):
        decide(StripeLike(), admin, deal, str(held))
    assert deal.load().release_frozen and db.exec(select(FreezeDecision)).first() is None
    assert db.exec(select(Payout)).first() is None

    dispute("closed", status="won")  # the money is back at the platform: now the release is the admin's to make
    assert decide(StripeLike(), admin, deal, str(held)) == "released to the contractor"
    assert db.exec(select(Payout)).one().amount_minor == 9_000
    books_hold(db)
