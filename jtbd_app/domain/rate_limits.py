"""Named rate-limit policies and the fixed-window rule that applies them (pure: the clock is an argument).

Each policy counts an action per member (or, before sign-in, per identifier typed) and per client address, each in
windows of its own length; an action over either count is refused until its window ends.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

SCOPES = ("member", "address")


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


@dataclass(frozen=True)
class Policy:
    name: str
    action: str  # what is counted, in the words of the refusal: "Too many bids ..."
    member: Limit | None
    address: Limit | None


DEFAULT_POLICIES: dict[str, Policy] = {
    p.name: p
    for p in (
        Policy("sign_in", "sign-in attempts", member=Limit(20, 600), address=Limit(60, 600)),
        Policy("sign_up", "new accounts", member=None, address=Limit(10, 3600)),
        Policy("post", "posts", member=Limit(20, 3600), address=Limit(60, 3600)),
        Policy("bid", "bids", member=Limit(30, 3600), address=Limit(90, 3600)),
        Policy("message", "messages", member=Limit(20, 60), address=Limit(60, 60)),
        Policy("model", "requests to the assistant", member=Limit(20, 3600), address=Limit(60, 3600)),
    )
}


def parse_overrides(text: str, base: dict[str, Policy] | None = None) -> dict[str, Policy]:
    """The policies with `RATE_LIMITS` applied: comma-separated `policy.scope=count/seconds` (or `=off`), e.g.
    `bid.member=10/3600,message.address=off`. ValueError says which entry is wrong."""
    policies = dict(base or DEFAULT_POLICIES)
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        target, _, value = entry.partition("=")
        name, _, scope = target.strip().partition(".")
        if name not in policies or scope not in SCOPES:
            known = ", ".join(f"{p}.{s}" for p in policies for s in SCOPES)
            raise ValueError(f"RATE_LIMITS: unknown limit {target.strip()!r} (known: {known})")
        limit = _limit(entry, value.strip())
        policies[name] = (
            replace(policies[name], member=limit) if scope == "member" else replace(policies[name], address=limit)
        )
    return policies


def _limit(entry: str, value: str) -> Limit | None:
    if value == "off":
        return None
    count, _, seconds = value.partition("/")
    if not (count.isdigit() and seconds.isdigit() and int(count) >= 1 and 1 <= int(seconds) <= 86400 * 7):
        raise ValueError(f"RATE_LIMITS: {entry!r} should read name.scope=count/seconds (count ≥ 1, a week at most)")
    return Limit(int(count), int(seconds))


@dataclass(frozen=True)
class Window:
    """One counter: its storage key and the moment (epoch seconds) its window ends."""

    key: str
    limit: Limit
    ends_at: int


def windows(policy: Policy, *, member: str | None, address: str, now: float) -> list[Window]:
    """The counters one action of `policy` moves at `now`: per member (when known) and per address."""
    found = []
    for scope, subject in (("member", member), ("address", address)):
        limit: Limit | None = getattr(policy, scope)
        if limit is None or not subject:
            continue
        index = int(now // limit.seconds)
        digest = subject_digest(subject)
        found.append(
            Window(f"rl:{policy.name}:{scope}:{digest}:{limit.seconds}:{index}", limit, (index + 1) * limit.seconds)
        )
    return found


def subject_digest(subject: str) -> str:
    """What a counter's key holds of the member or address: no typed email or address is kept at rest."""
    return hashlib.sha256(subject.encode()).hexdigest()[:32]


def wait_seconds(counted: list[tuple[Window, int]], *, now: float) -> int:
    """0 when every counter is within its limit; else how long until the last one over it resets (at least 1 s)."""
    over = [w.ends_at - now for w, hits in counted if hits > w.limit.count]
    return max(1, int(max(over) + 0.999)) if over else 0


def wait_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = (minutes + 59) // 60
    return f"{hours} hour{'s' if hours != 1 else ''}"
