"""Disputed contracts for tests of the administrators' side: a delivered contract whose client opened a dispute,
frozen with its `DisputeCase` row (and each party's statement), arranged as rows so it does not depend on how members
open disputes (`services/trust/disputes`)."""

from __future__ import annotations

from datetime import timedelta

from jtbd_app.db import session_scope
from jtbd_app.models import Contract, DisputeCase, DisputeEntry, utcnow
from jtbd_app.services.contracts import lifecycle
from jtbd_app.services.ledger import escrow
from jtbd_app.services.ports import PaymentGateway
from tests.support.contracts import Deal, deliver, fund

CLIENT_SAYS = "The landing page is missing the pricing section we agreed on."
CONTRACTOR_SAYS = "The pricing section was never in the brief; everything else was delivered."


def freeze_with_case(
    deal: Deal,
    *,
    status: str = "under_review",
    client_says: str = CLIENT_SAYS,
    contractor_says: str = CONTRACTOR_SAYS,
    opened_days_ago: int = 0,
) -> int:
    """The client opens a dispute on the delivered contract (as rows): frozen, with its case; returns the case id."""
    with session_scope() as session:
        contract = lifecycle.locked_contract(session, deal.contract_id)
        assert contract is not None and contract.id is not None
        held = escrow.held(session, contract)
        lifecycle.move(session, contract, "disputed")
        lifecycle.freeze(session, contract, reason=f"{deal.client.display_name} opened a dispute.")
        opened = utcnow() - timedelta(days=opened_days_ago)
        case = DisputeCase(
            contract_id=contract.id,
            opened_by=deal.client.user_id,
            respondent_id=deal.contractor.user_id,
            reason_code="not_as_described",
            reason_text=client_says,
            outcome_wanted="partial_refund",
            wanted_refund_minor=held // 2,
            amount_minor=held,
            currency=contract.currency,
            status=status,
            respond_by=opened + timedelta(days=5),
            responded_at=opened + timedelta(hours=2) if contractor_says else None,
            review_since=opened + timedelta(hours=3) if status == "under_review" else None,
            opened_at=opened,
        )
        session.add(case)
        session.flush()
        assert case.id is not None
        if contractor_says:
            session.add(
                DisputeEntry(
                    case_id=case.id,
                    author_id=deal.contractor.user_id,
                    kind="response",
                    body=contractor_says,
                    created_at=opened + timedelta(hours=2),
                )
            )
        return case.id


def disputed_contract(
    deal: Deal, *, gateway: PaymentGateway | None = None, status: str = "under_review", opened_days_ago: int = 0
) -> Deal:
    """`deal` (accepted by both) funded with the sandbox (or `gateway`), delivered, and disputed by the client."""
    fund(deal, gateway)
    deliver(deal, "The landing page is live; the files are attached.")
    freeze_with_case(deal, status=status, opened_days_ago=opened_days_ago)
    return deal


def gateway_frozen(
    deal: Deal, *, reason: str = "The client disputed $100.00 of the payment with their card issuer."
) -> Deal:
    """`deal` funded and frozen by the payment gateway (a card dispute), with no member's case."""
    fund(deal)
    with session_scope() as session:
        contract = session.get(Contract, deal.contract_id)
        assert contract is not None
        lifecycle.move(session, contract, "disputed")
        lifecycle.freeze(session, contract, reason=reason)
    return deal
