"""Checking or hashing a password (argon2id, 0.1-0.2 s of CPU) must not stop the worker's event loop: every other
tab's events wait on that loop. The load test found sign-ins queued behind each other for seconds."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import Session

import jtbd_app.routes  # noqa: F401  (every page, and so every state class, as the app has them)
from jtbd_app.state.auth import LoginState, SignupState
from tests.support.handlers import state_for
from tests.support.members import PASSWORD, make_user


async def _ticks_while(work: Any) -> tuple[Any, int]:
    """Run `work` and count how often a neighbour on the same loop got a turn meanwhile."""
    ticks = 0
    done = asyncio.Event()

    async def neighbour() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(neighbour())
    await asyncio.sleep(0)
    ticks = 0
    try:
        result = await work
    finally:
        done.set()
        await other
    return result, ticks


def test_a_sign_in_lets_other_events_run_while_the_password_is_checked(db: Session) -> None:
    make_user("ann")
    login = state_for(LoginState, path="/login")
    handler = type(login).event_handlers["submit_login"].fn

    outcome, ticks = asyncio.run(_ticks_while(handler(login, {"identifier": "ann", "password": PASSWORD})))

    assert outcome is not None and login.form_error == ""  # signed in: the redirect to the cookie route
    assert ticks > 0, "the event loop stood still while the password was checked"


def test_a_sign_up_lets_other_events_run_while_the_password_is_hashed(db: Session) -> None:
    signup = state_for(SignupState, path="/signup")
    handler = type(signup).event_handlers["submit_signup"].fn
    form = {"email": "bo@example.com", "username": "bo", "display_name": "Bo", "password": "a long enough pass 9"}

    _outcome, ticks = asyncio.run(_ticks_while(handler(signup, form)))

    assert signup.errors.get("email") is None and signup.errors.get("password") is None, signup.errors
    assert ticks > 0, "the event loop stood still while the password was hashed"
