"""What a member is told for each kind of Stripe error, and whether the platform still waits for an answer."""

from __future__ import annotations

import stripe

from jtbd_app.adapters.payments_stripe import SENT_BEFORE, UNREACHABLE, payment_failed


def test_a_key_reused_with_another_card_keeps_asking_about_the_first_payment() -> None:
    """Paying again after a lost answer asks under the first payment's key; with another test card Stripe refuses the
    key (other parameters). The first payment's answer is still owed, so the next try must use the same key again."""
    exc = stripe.IdempotencyError(
        "Keys for idempotent requests can only be used with the same parameters they were first used with.",
        http_status=400,
    )
    failed = payment_failed(exc, "start a payment")
    assert (failed.message, failed.answer_lost, failed.retryable) == (SENT_BEFORE, True, False)


def test_a_dropped_connection_may_have_charged_and_is_asked_about_again() -> None:
    failed = payment_failed(stripe.APIConnectionError("reset by peer"), "start a payment")
    assert (failed.message, failed.answer_lost, failed.retryable) == (UNREACHABLE, True, True)


def test_a_declined_card_says_why_and_is_not_waited_for() -> None:
    exc = stripe.CardError("Your card has insufficient funds.", param="", code="card_declined", http_status=402)
    failed = payment_failed(exc, "start a payment")
    assert (failed.answer_lost, failed.retryable) == (False, False) and "insufficient funds" in failed.message
