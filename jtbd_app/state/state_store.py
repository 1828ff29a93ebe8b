"""Where each tab's state lives on the single-machine profile (no Redis): in the one worker's memory, with an expiry
that costs nothing while idle and nothing more as sessions accumulate.

Reflex's default there, `StateManagerDisk`, keeps every tab's state in memory anyway and also pickles it to a file;
every ~2 s its write-queue task lists and stats every file ever written (8,200 files after one load test: 13-20% of
the worker, growing with every session ever opened) and walks every tab it knows. Reflex's `StateManagerMemory`
writes nothing, but its expiry task rescans every tab at every deadline (n tabs expiring one by one: n² steps).

`SessionStore` is that memory manager with its deadlines in a heap: touching a tab only updates its deadline in a
dict (each tab has at most one heap entry), and the expiry task sleeps until the earliest entry is due (plus up to a
minute, so that tabs expire in batches), then pops only what is due. An entry whose tab was touched since goes back
in at the tab's real deadline; a tab still busy (its lock held) is looked at again a minute later. So the expiry
wakes at most once a minute while tabs fall due and never while none do, and each tab costs it one or two O(log n)
steps per expiry period. A state that expired, or a restart, costs a tab nothing it needs: Reflex rehydrates a fresh
state at the tab's next event (the page's on_load runs again), and who is signed in lives in the HttpOnly cookie,
not in the state.

With Redis (the several-worker profile) Reflex's Redis manager stays, with Redis's own expiry.
"""

from __future__ import annotations

import dataclasses
import heapq
import time
from typing import Any

from reflex.istate.manager import StateManager
from reflex.istate.manager.disk import StateManagerDisk
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import StateToken

BUSY_RECHECK_S = 60.0  # a tab whose lock is held when its deadline comes is looked at again this much later
MAX_LATENESS_S = 60.0  # tabs expire in batches: at most this late (or a tenth of the expiry period, if shorter)


@dataclasses.dataclass
class SessionStore(StateManagerMemory):
    """StateManagerMemory whose expiry work is proportional to what expires, not to how many tabs there are."""

    _deadlines: list[tuple[float, str]] = dataclasses.field(default_factory=list, init=False)  # a heap
    _scheduled: set[str] = dataclasses.field(default_factory=set, init=False)  # keys with an entry in the heap
    expiry_passes: int = dataclasses.field(default=0, init=False)  # times the expiry task woke up (for tests)
    entries_examined: int = dataclasses.field(default=0, init=False)  # heap entries it looked at (for tests)

    def _track_token(self, token: StateToken) -> None:
        key = token.cache_key
        expires_at = time.time() + self.token_expiration
        self._token_expires_at[key] = (expires_at, token)
        if key not in self._scheduled:
            self._scheduled.add(key)
            heapq.heappush(self._deadlines, (expires_at, key))
        self._ensure_expiration_task()

    def _purge_expired_tokens(self) -> float | None:
        """Purge the tabs whose deadline passed; the next deadline in the heap (None when nothing is tracked)."""
        self.expiry_passes += 1
        now = time.time()
        heap = self._deadlines
        while heap and heap[0][0] <= now:
            _, key = heapq.heappop(heap)
            self.entries_examined += 1
            entry = self._token_expires_at.get(key)
            if entry is None:  # purged already
                self._scheduled.discard(key)
                continue
            expires_at, token = entry
            if expires_at > now:  # touched since it was scheduled: wait for its real deadline
                heapq.heappush(heap, (expires_at, key))
                continue
            lock = self._states_locks.get(token.lock_key)
            if lock is not None and lock.locked():  # an event is running for it: not stale
                heapq.heappush(heap, (now + BUSY_RECHECK_S, key))
                continue
            self._scheduled.discard(key)
            self._purge_token(token)
        if not heap:
            return None
        return heap[0][0] + min(MAX_LATENESS_S, self.token_expiration / 10)  # whatever falls due by then goes too

    @property
    def tracked(self) -> int:
        """How many tabs have a state here."""
        return len(self._token_expires_at)


def new_store(token_expiration: int | None = None) -> SessionStore:
    """A SessionStore; states expire `token_expiration` seconds after their last use (Reflex's setting by default)."""
    # mypy reads Reflex's overloads of get_state/set_state/modify_state as abstract; the class defines them all
    store = SessionStore()  # type: ignore[abstract]
    if token_expiration is not None:
        store.token_expiration = token_expiration
    return store


def install(app: Any) -> StateManager:
    """Give `app` a SessionStore in place of Reflex's disk manager (the profile without Redis); any other manager
    (Redis, or memory chosen on purpose) is left as it is. Returns the app's state manager."""
    current = app.state_manager
    if isinstance(current, StateManagerDisk):
        app._state_manager = new_store()  # Reflex offers no setting for the manager's class; this is its slot
    return app.state_manager
