"""What every visitor asks for alike, computed once per change instead of once per visit: the marketplace's pages of
cards (the bare page, and each search as its URL asks) and a listing page's public part.

Entries live in each worker's memory and are keyed by the version of the MARKETPLACE change stamp (services/live),
which every unit of work that changes what they show moves as it commits, on whichever worker or host it runs. A read
takes the version first (one primary-key read), then the entry made under that version, or computes it. The data of
an entry is therefore never older than its version: a change committed after the version was read makes the entry
newer than its version, and the next reader, who reads the new version, computes again. So a change is seen by the
next visitor, everywhere. Once a newer version is seen, the older entries are dropped.

What is relative to the clock ("3 days ago", "due in 5 days", the due-date filter) is kept at most MAX_AGE_S.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlmodel import Session

from jtbd_app.services import live

MAX_AGE_S = 30.0
V = TypeVar("V")


def marketplace_version(session: Session) -> int:
    return live.marketplace_version(session)


class VersionedCache(Generic[V]):
    """At most `size` entries (least recently used go first), each valid for one version and MAX_AGE_S seconds."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.source = ""  # the database the entries came from (tests open many; a deployment one)
        self.version = -1  # the newest version seen there; entries of older ones are gone
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, session: Session, key: Hashable, compute: Callable[[], V]) -> V:
        """The entry for `key` under the current version, computed (by `compute`, in `session`) when there is none."""
        return self.lookup(session, key, compute)[0]

    def lookup(self, session: Session, key: Hashable, compute: Callable[[], V]) -> tuple[V, bool]:
        """`get`, and whether the value was computed by this call (its data read just now) rather than kept."""
        source, version, now = self._where(session)
        found = self._kept(source, version, now, key)
        if found is not None:
            return found[1], False
        self.misses += 1
        value = compute()
        with self._lock:
            if source != self.source or version > self.version:  # a change: every entry made before is stale
                self._entries.clear()
                self.source, self.version = source, version
            if version == self.version:  # (a reader of an older version keeps its answer to itself)
                self._entries[key] = (now + MAX_AGE_S, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return value, True

    def holds(self, key: Hashable) -> bool:
        """Whether an entry for `key` is kept under the newest version this worker has seen, reading nothing: for a
        caller who says "working…" only when there is work to wait for, before the unit of work that looks it up.
        (When the version has moved since, on another worker or host, the lookup computes without that word: once
        after a change.) Neither a hit nor a miss is counted."""
        with self._lock:
            found = self._entries.get(key)
            return found is not None and found[0] > time.monotonic()

    def _where(self, session: Session) -> tuple[str, int, float]:
        """The database, its current version (one read) and the time: what an entry must match to be used."""
        source = session.get_bind().engine.url.render_as_string(hide_password=True)
        return source, marketplace_version(session), time.monotonic()

    def _kept(self, source: str, version: int, now: float, key: Hashable) -> tuple[float, V] | None:
        """The live entry (expiry, value) for `key`, counted as a hit; None when there is none (a kept value may
        itself be None: no such listing). A miss is counted by `lookup`, which computes."""
        with self._lock:
            if (
                source == self.source
                and version == self.version
                and (found := self._entries.get(key)) is not None
                and found[0] > now
            ):
                self._entries.move_to_end(key)
                self.hits += 1
                return found
            return None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.source, self.version = "", -1
