"""Checking or hashing a password (argon2id, 0.1-0.2 s of CPU) must not stop the worker's event loop: every other
tab's events wait on that loop. The load test found sign-ins queued behind each other for seconds. Every handler that
checks or hashes one (sign-in, sign-up, a password change, a reset) does it in a thread."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sqlmodel import Session, select

import jtbd_app.routes  # noqa: F401  (every page, and so every state class, as the app has them)
from jtbd_app.db import session_scope
from jtbd_app.models import OutgoingMail, User
from jtbd_app.services.accounts import password_reset
from jtbd_app.services.accounts.passwords import verify_password
from jtbd_app.state.auth import LoginState, SignupState
from jtbd_app.state.password_reset import PasswordResetState
from jtbd_app.state.settings import SettingsState
from tests.support.handlers import state_for
from tests.support.members import PASSWORD, make_user, session_token


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


def test_a_password_change_lets_other_events_run_while_both_passwords_are_worked(db: Session) -> None:
    ann = make_user("ann")
    settings = state_for(SettingsState, token=session_token(ann), path="/settings")
    handler = type(settings).event_handlers["change_password"].fn
    form = {"current_password": PASSWORD, "new_password": "another long pass 42"}

    _none, ticks = asyncio.run(_ticks_while(handler(settings, form)))

    assert settings.errors == {} and settings.message.startswith("Password changed."), settings.errors
    db.expire_all()
    assert verify_password(db.get(User, ann.id).password_hash, "another long pass 42")  # type: ignore[union-attr]
    assert ticks > 0, "the event loop stood still while the passwords were checked and hashed"


def test_a_password_reset_lets_other_events_run_while_the_new_one_is_hashed(db: Session) -> None:
    ann = make_user("ann")
    with session_scope() as s:
        password_reset.request_reset(s, email=ann.email, app_url="https://jtbd.example", mail_enabled=True)
    token = re.search(r"token=([\w-]+)", db.exec(select(OutgoingMail)).one().body).group(1)  # type: ignore[union-attr]
    reset = state_for(PasswordResetState, path=f"/reset-password?token={token}")
    handler = type(reset).event_handlers["choose_password"].fn

    _none, ticks = asyncio.run(_ticks_while(handler(reset, {"new_password": "a brand new pass 7"})))

    assert reset.errors == {} and reset.done, reset.errors
    db.expire_all()
    assert verify_password(db.get(User, ann.id).password_hash, "a brand new pass 7")  # type: ignore[union-attr]
    assert ticks > 0, "the event loop stood still while the new password was hashed"
