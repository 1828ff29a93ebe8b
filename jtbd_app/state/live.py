"""Live updates on every page, one mechanism: the layout starts one client-side timer per tab, which sends `live_tick`
every few seconds while the tab is visible. A tick reads the change stamps (services/live) of what the page shows:
the member's own bell, and the records the page loaded for them, in one indexed query. Only where a version moved
does it reload, through the page's own reload code, which asks the services again who may see what. The chain stops
when the layout mounts again (another page), the tab closes, or nobody is signed in.

A page state takes part by subclassing `LivePage` and calling `_watch_live(topic)` as its load begins. The bell's
version is taken with the counts on every page load (`_refresh_viewer`).
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec

from jtbd_app.db import single_read
from jtbd_app.services import live
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.boundary import Count

TICK_MS = 3000
_TIMER = (
    "new Promise((resolve) => { const wait = () => setTimeout(() => (document.hidden ? wait() : resolve({gen})), {ms});"
    " wait(); })"
)
LIVE_PAGES: dict[str, type[LivePage]] = {}  # full state name -> the page state, filled as the classes are made


class LivePage:
    """What a page state provides to be kept live (a plain base, so Reflex sees no state of its own in it)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        LIVE_PAGES[cls.get_full_name()] = cls  # type: ignore[attr-defined]

    def _live_topics(self, viewer: Viewer) -> list[str]:
        """The topics of what this page loaded for `viewer`, while it is still the page shown; [] once it is not."""
        raise NotImplementedError

    def _live_reload(self, viewer: Viewer) -> list[Any]:
        """Reload what the page shows (through the services, which check `viewer` again); events to run after."""
        raise NotImplementedError


class LiveMixin(rx.State, mixin=True):
    """The tick, on the state every page shares (SessionState): the bell's counts, and the page's state, if live."""

    _live_gen: int = 0  # the running timer's number; any other stops
    _live_seen: dict[str, int] = {}  # topic -> the version last shown
    _live_page: str = ""  # the full name of the live page state that loaded last (set on the server only)

    def _viewer(self) -> Viewer | None:
        raise NotImplementedError  # SessionState's

    def _refresh_viewer(self) -> Viewer | None:
        raise NotImplementedError  # SessionState's

    def _watch_live(self, *topics: str) -> None:
        """A page state's load calls this before it reads what it shows: the tick watches the page from now on, and
        the versions taken now are what it compares with (a change that lands during the load is reloaded then)."""
        with single_read() as session:
            self._live_seen = {**self._live_seen, **live.versions(session, topics)}
        self._live_page = type(self).get_full_name()

    def _next_tick(self) -> EventSpec:
        return rx.call_script(
            _TIMER.replace("{gen}", str(self._live_gen)).replace("{ms}", str(TICK_MS)),
            callback=type(self).live_tick,  # type: ignore[attr-defined]
        )

    @rx.event
    async def live_tick(self, gen: Count) -> list[Any] | None:
        """Public: 0 starts this tab's timer; it then reads only the change stamps of the caller's own bell and of
        what the page loaded for them, and reloads through code that checks who is asking."""
        if gen and gen != self._live_gen:
            return None  # an older timer (the page changed) or a made-up number: it stops here
        viewer = self._viewer()
        if viewer is None:
            return None  # a visitor has nothing to watch
        page = await self._live_page_state()
        topics = page._live_topics(viewer) if page is not None else []
        if gen == 0:
            self._live_gen += 1
        moved = self._live_moved([live.user_topic(viewer.user_id), *topics])
        return [*self._live_reload_moved(viewer, page, moved, topics), self._next_tick()]

    async def _live_page_state(self) -> LivePage | None:
        page_class: Any = LIVE_PAGES.get(self._live_page)  # a state class that is also a LivePage
        return await self.get_state(page_class) if page_class is not None else None

    def _live_moved(self, topics: list[str]) -> set[str]:
        """The topics whose version changed since it was last taken (by a load or a tick); one never taken has not."""
        with single_read() as session:
            now = live.versions(session, topics)
        seen = self._live_seen
        if now != seen:
            self._live_seen = now
        return {topic for topic, version in now.items() if seen.get(topic, version) != version}

    def _live_reload_moved(
        self, viewer: Viewer, page: LivePage | None, moved: set[str], topics: list[str]
    ) -> list[Any]:
        if live.user_topic(viewer.user_id) in moved:
            self._refresh_viewer()
        if page is None:
            return []
        if not topics:
            self._live_page = ""  # the page it loaded is no longer shown: stop asking it
            return []
        return page._live_reload(viewer) if moved & set(topics) else []
