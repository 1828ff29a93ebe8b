"""The rate-limit policies, applied with a clock of the test's own on the database counters (SQLite here; PostgreSQL
and Redis in tests/integration/test_rate_limit_storage.py)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from jtbd_app.db import get_engine
from jtbd_app.domain.errors import RateLimited
from jtbd_app.domain.rate_limits import DEFAULT_POLICIES, Limit, Policy, parse_overrides, wait_words
from jtbd_app.models import RateLimitCounter
from jtbd_app.services.rate_limits import DatabaseCounters, Limiter

HOUR = 3600.0
START = 1_800_000_000.0  # a window boundary for both a minute and an hour


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _limiter(clock: Clock, **policies: Policy) -> Limiter:
    return Limiter(DatabaseCounters(get_engine()), policies or DEFAULT_POLICIES, clock)


def _bids() -> Policy:
    return Policy("bid", "bids", member=Limit(3, 3600), address=Limit(5, 3600))


def test_a_member_is_refused_past_their_count_and_told_how_long_to_wait() -> None:
    clock = Clock(START + 600)  # ten minutes into the hour's window
    limiter = _limiter(clock, bid=_bids())
    for _ in range(3):
        limiter.check("bid", member="7", address="203.0.113.1")

    with pytest.raises(RateLimited) as refused:
        limiter.check("bid", member="7", address="203.0.113.1")

    assert refused.value.retry_after_seconds == 3000
    assert refused.value.message == "Too many bids from you in a short time. Please wait 50 minutes and try again."


def test_the_count_starts_again_when_the_window_ends() -> None:
    clock = Clock()
    limiter = _limiter(clock, bid=_bids())
    for _ in range(3):
        limiter.check("bid", member="7", address="203.0.113.1")
    clock.now = START + HOUR - 1
    with pytest.raises(RateLimited):
        limiter.check("bid", member="7", address="203.0.113.1")

    clock.now = START + HOUR
    limiter.check("bid", member="7", address="203.0.113.1")


def test_members_are_counted_apart_but_share_their_address_count() -> None:
    limiter = _limiter(Clock(), bid=_bids())
    for member in ("1", "1", "1", "2", "2"):
        limiter.check("bid", member=member, address="203.0.113.1")  # five from one address: its whole count

    with pytest.raises(RateLimited):
        limiter.check("bid", member="3", address="203.0.113.1")  # a fresh member behind the same address
    limiter.check("bid", member="3", address="198.51.100.2")  # the same member elsewhere


def test_a_visitor_without_a_member_is_counted_by_address_alone() -> None:
    limiter = _limiter(Clock(), sign_up=Policy("sign_up", "new accounts", member=None, address=Limit(2, 3600)))
    limiter.check("sign_up", member=None, address="203.0.113.1")
    limiter.check("sign_up", member=None, address="203.0.113.1")

    with pytest.raises(RateLimited, match="Too many new accounts"):
        limiter.check("sign_up", member=None, address="203.0.113.1")


def test_policies_count_apart() -> None:
    limiter = _limiter(Clock(), bid=_bids(), message=Policy("message", "messages", member=Limit(1, 60), address=None))
    for _ in range(3):
        limiter.check("bid", member="7", address="203.0.113.1")

    limiter.check("message", member="7", address="203.0.113.1")
    with pytest.raises(RateLimited, match="Too many messages"):
        limiter.check("message", member="7", address="203.0.113.1")


def test_the_wait_is_the_longest_of_the_counts_that_are_over() -> None:
    clock = Clock(START + 30)
    policy = Policy("message", "messages", member=Limit(1, 60), address=Limit(1, 3600))
    limiter = _limiter(clock, message=policy)
    limiter.check("message", member="7", address="203.0.113.1")

    with pytest.raises(RateLimited) as refused:
        limiter.check("message", member="7", address="203.0.113.1")

    assert refused.value.retry_after_seconds == 3570


def test_no_typed_identifier_or_address_is_stored_and_ended_windows_are_swept(db: Session) -> None:
    clock = Clock()
    limiter = _limiter(clock)
    limiter.check("sign_in", member="someone@example.com", address="203.0.113.1")
    keys = [row.key for row in db.exec(select(RateLimitCounter))]
    assert len(keys) == 2 and not any("example" in k or "203.0" in k for k in keys)

    clock.now = START + 2 * HOUR  # both windows over: the next new window sweeps them
    limiter.check("sign_in", member="other@example.com", address="198.51.100.2")

    assert {row.key for row in db.exec(select(RateLimitCounter))}.isdisjoint(keys)


def test_overrides_change_or_switch_off_one_scope_and_refuse_typos() -> None:
    policies = parse_overrides("bid.member=10/60, message.address=off")

    assert policies["bid"].member == Limit(10, 60)
    assert policies["bid"].address == DEFAULT_POLICIES["bid"].address
    assert policies["message"].address is None
    with pytest.raises(ValueError, match=r"unknown limit 'bids\.member'"):
        parse_overrides("bids.member=10/60")
    with pytest.raises(ValueError, match="count/seconds"):
        parse_overrides("bid.member=10")
    with pytest.raises(ValueError, match="count/seconds"):
        parse_overrides("bid.member=0/60")


def test_an_unknown_rate_limit_setting_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from jtbd_app.config import Settings

    with pytest.raises(ValueError, match="RATE_LIMITS"):
        Settings(RATE_LIMITS="bid.member=lots")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "1 second"), (59, "59 seconds"), (60, "1 minute"), (61, "2 minutes"), (3600, "1 hour"), (3601, "2 hours")],
)
def test_the_wait_is_said_in_words(seconds: int, words: str) -> None:
    assert wait_words(seconds) == words
