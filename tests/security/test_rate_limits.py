"""Rate limits on the running app, over its real websocket: a flood of messages from one member is stopped with a
message that says how long to wait, and a client cannot choose the address it is counted under by forging
X-Forwarded-For (no proxy is trusted by default)."""

from __future__ import annotations

import asyncio
import secrets
import time

from sqlmodel import Session, col, func, select

from jtbd_app.db import get_engine
from jtbd_app.domain.rate_limits import DEFAULT_POLICIES, subject_digest
from jtbd_app.models import Message, RateLimitCounter
from jtbd_app.state.auth import SignupState
from jtbd_app.state.messages import ThreadState
from tests.support.app_server import AppServer
from tests.support.hostile_world import World
from tests.support.members import session_token
from tests.support.messaging import make_deal
from tests.support.reflex_client import CallResult, ReflexClient, router_data

REFUSAL = "Too many messages from you in a short time. Please wait"


def _name(label: str) -> str:
    return f"{label}{secrets.token_hex(4)}"


def _messages_in(thread_id: int) -> int:
    with Session(get_engine()) as session:
        return int(session.exec(select(func.count()).select_from(Message).where(Message.thread_id == thread_id)).one())


async def _flood(url: str, cookie: str, thread_id: int, count: int) -> list[CallResult]:
    client = ReflexClient(url, cookie=cookie)
    path = f"/messages/{thread_id}"
    try:
        await client.connect(path)
        return [
            await client.call(
                f"{ThreadState.get_full_name()}.send_message", {"form": {"body": f"Flood {n}"}}, router_data(path)
            )
            for n in range(count)
        ]
    finally:
        await client.close()


def _start_of_a_fresh_window(seconds: int) -> None:
    """The counts are per fixed window: a flood that straddled its end would be counted in two. So it starts in the
    window's first seconds (a flood of 25 round trips can take most of a minute on a loaded machine)."""
    if time.time() % seconds > 5:
        time.sleep(seconds - time.time() % seconds + 0.5)


def test_a_flood_of_messages_from_one_member_is_stopped_with_a_message_and_stores_nothing_more(
    app_server: AppServer, world: World
) -> None:
    deal = make_deal(_name("flooder"), _name("reader"))
    limit = DEFAULT_POLICIES["message"].member
    assert limit is not None
    _start_of_a_fresh_window(limit.seconds)

    results = asyncio.run(
        _flood(app_server.url, f"jtbd_session={session_token(deal.owner)}", deal.thread_id, limit.count + 5)
    )

    assert all(r.answered and not r.raised for r in results)
    assert not any(REFUSAL in r.text for r in results[: limit.count])
    assert any(REFUSAL in r.text for r in results[limit.count :])  # shown once; the later refusals keep it
    assert _messages_in(deal.thread_id) == limit.count


def _sign_ups_counted_from(address: str) -> int:
    prefix = f"rl:sign_up:address:{subject_digest(address)}:"
    with Session(get_engine()) as session:
        rows = session.exec(select(RateLimitCounter.hits).where(col(RateLimitCounter.key).startswith(prefix)))
        return sum(rows)


async def _sign_up_with(url: str, headers: dict[str, str]) -> CallResult:
    client = ReflexClient(url, headers=headers)
    try:
        await client.connect("/signup")
        form = {"email": "", "username": "", "display_name": "", "password": ""}
        return await client.call(f"{SignupState.get_full_name()}.submit_signup", {"form": form}, router_data("/signup"))
    finally:
        await client.close()


def test_a_forged_forwarded_for_over_the_websocket_is_ignored(app_server: AppServer, world: World) -> None:
    forged = f"198.51.100.{secrets.randbelow(250) + 1}"
    _start_of_a_fresh_window(60)  # the test app's window for addresses (tests/support/app_server.py)
    before = _sign_ups_counted_from("127.0.0.1")

    result = asyncio.run(_sign_up_with(app_server.url, {"X-Forwarded-For": forged}))

    assert result.answered and not result.raised
    assert _sign_ups_counted_from(forged) == 0
    assert _sign_ups_counted_from("127.0.0.1") == before + 1  # counted under the socket peer's address
