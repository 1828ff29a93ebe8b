"""The app's rate limits for a load run: all off. Simulated members bid, message and sign in far faster than a person
(and all from one address), so the app under load must not count them; `python -m bench.load.limits` prints the
setting, e.g. `RATE_LIMITS="$(python -m bench.load.limits)" make run`."""

from __future__ import annotations

from jtbd_app.domain.rate_limits import DEFAULT_POLICIES, SCOPES

LOAD_RATE_LIMITS = ",".join(f"{name}.{scope}=off" for name in DEFAULT_POLICIES for scope in SCOPES)

if __name__ == "__main__":
    print(LOAD_RATE_LIMITS)
