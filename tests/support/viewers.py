"""Members as the services see them (`Viewer`), for tests that call the services directly. Each reads through the
session it is given, or a session of its own on the database the settings point at."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session, select

from jtbd_app.db import read_scope
from jtbd_app.models import Profile, User
from jtbd_app.services.viewer import Viewer, viewer_from_token
from tests.support.members import session_token

T = TypeVar("T")


def _read(session: Session | None, read: Callable[[Session], T]) -> T:
    if session is not None:
        return read(session)
    with read_scope() as own:
        return read(own)


def viewer_of(user: User, session: Session | None = None) -> Viewer:
    """The member as this `user` row says (role and status as the test holds them), named as their profile names
    them (their username in title case when they have no profile)."""
    assert user.id is not None
    profile = _read(session, lambda s: s.get(Profile, user.id))
    name = profile.display_name if profile is not None else user.username.title()
    return Viewer(user.id, user.username, name, user.role, user.status)


def viewer_named(username: str, session: Session | None = None) -> Viewer:
    """`viewer_of` the member with this username."""
    user = _read(session, lambda s: s.exec(select(User).where(User.username == username)).one())
    return viewer_of(user, session)


def signed_in_viewer(user: User, session: Session | None = None) -> Viewer:
    """The member as the app resolves a new session of theirs: the database's current role, status and email
    verification, whatever the `user` row the test holds says."""
    token = session_token(user)
    viewer = _read(session, lambda s: viewer_from_token(s, token))
    assert viewer is not None
    return viewer
