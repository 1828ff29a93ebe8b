"""What the payment gateway did for us: payments in, payouts out, connected accounts, webhook events seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Text, false
from sqlmodel import Field, SQLModel

from jtbd_app.models.base import ts


class Payment(SQLModel, table=True):
    """A client's payment into a contract's escrow, or into a problem's (one budget for many micro-tasks): exactly
    one of `contract_id` and `problem_id` is set. The ledger moves only once the gateway confirms it."""

    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="ck_payment_amount_positive"),
        CheckConstraint("(contract_id IS NULL) <> (problem_id IS NULL)", name="ck_payment_one_owner"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    problem_id: int | None = Field(default=None, foreign_key="problem.id", index=True)
    payer_id: int = Field(foreign_key="user.id", index=True)
    gateway: str = Field(max_length=16)  # sandbox | stripe
    # pending | succeeded | failed | refunded | returning | returned (a payment the contract could not take)
    status: str = Field(default="pending", max_length=16)
    amount_minor: int
    currency: str = Field(max_length=3)
    external_id: str | None = Field(default=None, max_length=80, unique=True)  # e.g. the PaymentIntent id
    charge_id: str = Field(default="", max_length=80)  # the charge, for transfers' source_transaction
    refunded_minor: int = Field(default=0)  # the gateway's running total refunded of this payment
    failure_message: str = Field(default="", max_length=300)
    # Failed only because the gateway's answer was lost: the payment may have been made. Paying again asks the gateway
    # again under this payment's idempotency key (services/contracts/funding.payment_to_ask), never a second charge.
    answer_lost: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = ts()
    updated_at: datetime = ts()


class Payout(SQLModel, table=True):
    """Money sent from the platform to a contractor (a Stripe transfer, or a sandbox payout)."""

    __table_args__ = (CheckConstraint("amount_minor > 0", name="ck_payout_amount_positive"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    contract_id: int | None = Field(default=None, foreign_key="contract.id", index=True)
    gateway: str = Field(max_length=16)
    status: str = Field(default="pending", max_length=16)  # pending | paid | reversed | cancelled
    amount_minor: int
    reversed_minor: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # the gateway's running total
    currency: str = Field(max_length=3)
    idempotency_key: str = Field(max_length=120, unique=True)  # "release:contract:42": the release it pays out
    external_id: str | None = Field(default=None, max_length=80, unique=True)  # e.g. the Transfer id
    failure_message: str = Field(default="", max_length=300)
    created_at: datetime = ts()
    updated_at: datetime = ts()


class PayoutAccount(SQLModel, table=True):
    """A member's account at the gateway that receives payouts (a Stripe Express connected account)."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    gateway: str = Field(max_length=16)
    external_id: str = Field(max_length=80, unique=True)
    charges_enabled: bool = Field(default=False)
    payouts_enabled: bool = Field(default=False)
    details_submitted: bool = Field(default=False)
    created_at: datetime = ts()
    updated_at: datetime = ts()


class WebhookEvent(SQLModel, table=True):
    """An event id the gateway sent, stored in the same transaction as its effect so it is processed once.

    An event about a payment whose success has not arrived yet (events come in any order) waits: `waiting_for` holds
    that payment's gateway id and `payload` the event, applied when the payment lands.
    """

    id: str = Field(primary_key=True, max_length=80)
    gateway: str = Field(max_length=16)
    type: str = Field(max_length=60)
    outcome: str = Field(default="", max_length=200)
    waiting_for: str | None = Field(default=None, max_length=80, index=True)
    payload: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    received_at: datetime = ts()


class Dispute(SQLModel, table=True):
    """A chargeback of one of our payments, as the gateway reported it: open, then won, lost or closed as a warning.

    The money it takes from the platform moves in the ledger under the dispute's id (withdrawn, reinstated, lost).
    """

    __table_args__ = (CheckConstraint("amount_minor > 0", name="ck_dispute_amount_positive"),)
    id: str = Field(primary_key=True, max_length=80)  # the gateway's dispute id
    payment_id: int = Field(foreign_key="payment.id", index=True)
    amount_minor: int
    currency: str = Field(max_length=3)
    status: str = Field(default="open", max_length=16)  # open | won | lost | warning_closed
    created_at: datetime = ts()
    updated_at: datetime = ts()
