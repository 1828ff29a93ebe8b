"""Worked examples of the dispute state machine (domain/disputes): given a case in a status, when an event happens,
then it is in the next status, or the event is refused with a reason the person reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jtbd_app.domain import disputes as d

OPENED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "when", "then"),
    [
        (d.AWAITING, d.RESPOND, d.OPEN),  # the other party answers
        (d.AWAITING, d.EVIDENCE, d.AWAITING),  # the opener adds evidence while waiting
        (d.OPEN, d.EVIDENCE, d.OPEN),
        (d.OPEN, d.ASK_REVIEW, d.REVIEW),
        (d.AWAITING, d.DEADLINE, d.REVIEW),  # nobody answered in the window
        (d.OPEN, d.DEADLINE, d.REVIEW),  # the evidence window closed
        (d.AWAITING, d.OFFER, d.AWAITING),
        (d.REVIEW, d.OFFER, d.REVIEW),  # the parties may still settle while an admin reviews
        (d.OPEN, d.WITHDRAW, d.OPEN),
        (d.AWAITING, d.ACCEPT, d.SETTLED),
        (d.REVIEW, d.ACCEPT, d.SETTLED),
        (d.AWAITING, d.DECIDE, d.RESOLVED),
        (d.REVIEW, d.DECIDE, d.RESOLVED),
    ],
)
def test_given_a_status_when_an_allowed_event_happens_then_the_case_moves(given: str, when: str, then: str) -> None:
    assert d.next_status(given, when) == then


@pytest.mark.parametrize(
    ("given", "when", "why"),
    [
        (d.OPEN, d.RESPOND, "answered already"),  # an answer is given once
        (d.REVIEW, d.EVIDENCE, "until the case goes to review"),
        (d.AWAITING, d.ASK_REVIEW, "once the other party has answered"),
        (d.REVIEW, d.DEADLINE, "Nothing is due"),
        (d.SETTLED, d.ACCEPT, "ended"),  # nothing is paid twice
        (d.RESOLVED, d.DECIDE, "ended"),
        (d.SETTLED, d.DECIDE, "ended"),
        (d.RESOLVED, d.OFFER, "ended"),
    ],
)
def test_given_a_status_when_a_disallowed_event_happens_then_it_is_refused(given: str, when: str, why: str) -> None:
    with pytest.raises(d.DisputeRefused, match=why):
        d.next_status(given, when)
    assert not d.allows(given, when)


def test_every_active_status_can_end_and_ended_ones_go_nowhere() -> None:
    for status in d.ACTIVE:
        assert d.next_status(status, d.DECIDE) in d.ENDED and d.next_status(status, d.ACCEPT) in d.ENDED
    for status in d.ENDED:
        assert not any(d.allows(status, event) for event in d.TRANSITIONS)


def test_given_a_case_opened_with_a_5_day_window_when_nobody_answers_then_it_is_due_at_the_window_end() -> None:
    deadlines = d.Deadlines(respond_by=d.respond_by(OPENED, 5), evidence_until=None)
    assert deadlines.respond_by == OPENED + timedelta(days=5)
    assert not d.deadline_due(d.AWAITING, deadlines, OPENED + timedelta(days=4, hours=23))
    assert d.deadline_due(d.AWAITING, deadlines, OPENED + timedelta(days=5))


def test_given_an_answer_on_day_2_when_3_evidence_days_pass_then_the_case_goes_to_review() -> None:
    answered = OPENED + timedelta(days=2)
    deadlines = d.Deadlines(respond_by=d.respond_by(OPENED, 5), evidence_until=d.evidence_until(answered, 3))
    assert deadlines.evidence_until == OPENED + timedelta(days=5)
    assert not d.deadline_due(d.OPEN, deadlines, answered + timedelta(days=2))
    assert d.deadline_due(d.OPEN, deadlines, answered + timedelta(days=3))
    assert not d.deadline_due(d.REVIEW, deadlines, answered + timedelta(days=30))  # review has no deadline
    assert not d.deadline_due(d.SETTLED, deadlines, answered + timedelta(days=30))


@pytest.mark.parametrize(
    ("outcome", "refund", "then"),
    [("full_refund", None, 10_000), ("release", 500, 0), ("partial_refund", 4_000, 4_000)],
)
def test_given_an_amount_of_10000_when_an_outcome_is_wanted_then_the_refund_wanted_is(
    outcome: str, refund: int | None, then: int
) -> None:
    assert d.wanted_refund(outcome, refund, 10_000) == then


@pytest.mark.parametrize(
    ("outcome", "refund"), [("partial_refund", 0), ("partial_refund", 10_000), ("partial_refund", None), ("x", 1)]
)
def test_a_partial_refund_is_strictly_between_nothing_and_all_and_an_outcome_is_one_of_the_list(
    outcome: str, refund: int | None
) -> None:
    with pytest.raises(ValueError):
        d.wanted_refund(outcome, refund, 10_000)


def test_a_split_is_named_by_who_gets_what() -> None:
    assert [d.split_outcome(n, 100) for n in (100, 0, 60)] == ["release", "refund", "split"]
    for bad in (-1, 101):
        with pytest.raises(ValueError):
            d.split_outcome(bad, 100)


def test_every_reason_and_outcome_has_a_label() -> None:
    assert set(d.REASONS) == {
        "not_delivered",
        "not_as_described",
        "late",
        "poor_quality",
        "stopped_responding",
        "other",
    }
    assert set(d.OUTCOMES) == {"full_refund", "partial_refund", "release"} and all(d.OUTCOMES.values())
