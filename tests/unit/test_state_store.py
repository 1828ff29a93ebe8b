"""The single-machine profile's tab states (state/state_store): the expiry's work follows what expires, not how many
tabs there are, stale states go, busy or recently used ones stay, and the app uses the store when there is no Redis."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken, StateToken

from jtbd_app.state.marketplace import MarketplaceState
from jtbd_app.state.state_store import new_store

TABS = 10_000


class TabData(dict):  # a light state: the manager creates one per token with `cls()`
    pass


def _token(n: int) -> StateToken:
    return StateToken(ident=f"tab-{n}", cls=TabData)


async def _open_tabs(store: StateManagerMemory, count: int) -> None:
    for n in range(count):
        async with store.modify_state(_token(n)) as state:
            state["seen"] = n


def test_idle_store_does_no_work_however_many_tabs_it_holds() -> None:
    async def scenario() -> tuple[int, int, int, int]:
        store = new_store(token_expiration=3600)
        await _open_tabs(store, TABS)
        await asyncio.sleep(0.3)  # the expiry task runs once, finds nothing due, and sleeps until the first deadline
        passes, examined = store.expiry_passes, store.entries_examined
        await asyncio.sleep(1.0)  # idle
        idle_passes, idle_examined = store.expiry_passes - passes, store.entries_examined - examined
        tracked = store.tracked
        await store.close()
        return passes, idle_passes, idle_examined, tracked

    passes, idle_passes, idle_examined, tracked = asyncio.run(scenario())
    assert tracked == TABS
    assert passes <= 2  # not one pass per tab, nor one per touch
    assert (idle_passes, idle_examined) == (0, 0)


def test_stale_tabs_expire_and_each_costs_a_constant_number_of_steps() -> None:
    async def scenario() -> tuple[int, int, int, int]:
        store = new_store(token_expiration=1)
        await _open_tabs(store, TABS)
        await asyncio.sleep(1.6)
        remaining, states = store.tracked, len(store.states)
        await store.close()
        return remaining, states, store.entries_examined, store.expiry_passes

    remaining, states, examined, passes = asyncio.run(scenario())
    assert (remaining, states) == (0, 0)
    # each tab's entry is looked at once, or twice when the tab was touched after it was scheduled: O(n) steps in all,
    # where a rescan of every tab at each deadline (Reflex's memory manager) is O(n²)
    assert TABS <= examined <= 2 * TABS
    assert passes < 50


def test_a_tab_used_again_keeps_its_state_past_its_first_deadline() -> None:
    async def scenario() -> tuple[bool, bool, bool]:
        store = new_store(token_expiration=1)
        await _open_tabs(store, 3)
        await asyncio.sleep(0.7)
        async with store.modify_state(_token(0)) as state:  # tab 0 is used again
            state["again"] = True
        await asyncio.sleep(0.6)  # past the first deadline of all three
        kept = _token(0).cache_key in store.states
        gone = _token(1).cache_key not in store.states and _token(2).cache_key not in store.states
        await asyncio.sleep(1.0)
        later_gone = store.tracked == 0
        await store.close()
        return kept, gone, later_gone

    assert asyncio.run(scenario()) == (True, True, True)


def test_a_tab_whose_event_is_still_running_is_not_purged() -> None:
    async def scenario() -> tuple[bool, bool]:
        store = new_store(token_expiration=1)
        async with store.modify_state(_token(1)) as state:
            state["busy"] = True
            await asyncio.sleep(1.5)  # a long event holds the lock past the deadline
            kept_while_busy = store.states.get(_token(1).cache_key) is state
        kept_after = _token(1).cache_key in store.states  # used until now: a fresh deadline
        await store.close()
        return kept_while_busy, kept_after

    assert asyncio.run(scenario()) == (True, True)


def test_a_real_state_tree_is_kept_and_then_released() -> None:
    async def scenario() -> tuple[str, bool]:
        store = new_store(token_expiration=1)
        token = BaseStateToken(ident="browser-tab", cls=MarketplaceState)
        async with store.modify_state(token) as root:
            page = await root.get_state(MarketplaceState)
            page.q = "logo"
        async with store.modify_state(token) as root:
            seen = (await root.get_state(MarketplaceState)).q
        await asyncio.sleep(1.6)
        released = store.tracked == 0 and not store.states
        await store.close()
        return seen, released

    assert asyncio.run(scenario()) == ("logo", True)


def test_the_app_without_redis_keeps_tab_states_in_the_store(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "REFLEX_REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'app.db'}"
    probe = "from jtbd_app.jtbd_app import app; print(type(app.state_manager).__name__)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "SessionStore"
