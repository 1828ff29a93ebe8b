"""The photo section of /settings acts on the caller's own photo only: a visitor changes nothing, and a stranger
neither sees nor changes the victim's photo."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import reflex as rx
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import Profile
from jtbd_app.services.accounts import profile_photos
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.profile_photos import ProfilePhotoState
from tests.support import photos
from tests.support.handlers import call, call_upload, state_for
from tests.support.members import make_user

PUBLIC = {"ProfilePhotoState.setvar": "Reflex built-in; display vars only; every photo handler re-reads the cookie"}


def _victim_with_photo() -> tuple[int, str]:
    victim = make_user("victim")
    assert victim.id is not None

    async def read(size: int) -> bytes:
        return photos.png()

    viewer = Viewer(victim.id, "victim", "Victim", "user", "active")
    urls = asyncio.run(profile_photos.upload_photo(session_factory=session_scope, viewer=viewer, read_file=read))
    return victim.id, urls.large


def _victims_key(db: Session, victim_id: int) -> str:
    db.expire_all()
    return db.exec(select(Profile.photo_key).where(Profile.user_id == victim_id)).one()


def _state(caller: str | None) -> ProfilePhotoState:
    return state_for(ProfilePhotoState, token=caller, path="/settings")  # type: ignore[no-any-return]


def _load_photo(caller: str | None, db: Session) -> None:
    _, url = _victim_with_photo()
    state = _state(caller)
    call(state, "load_photo")
    assert state.photo_url != url and (caller is not None or state.photo_url == "")


def _upload_photo(caller: str | None, db: Session) -> None:
    victim_id, _ = _victim_with_photo()
    key = _victims_key(db, victim_id)
    state = _state(caller)
    call_upload(state, "upload_photo", [rx.UploadFile(file=io.BytesIO(photos.png()), path=Path("x.png"))])
    assert _victims_key(db, victim_id) == key
    if caller is None:
        assert state.errors == {"form": "Please sign in to continue."}
        assert db.exec(select(Profile.photo_key).where(Profile.photo_key != "")).all() == [key]


def _remove_photo(caller: str | None, db: Session) -> None:
    victim_id, _ = _victim_with_photo()
    key = _victims_key(db, victim_id)
    state = _state(caller)
    call(state, "remove_photo")
    assert _victims_key(db, victim_id) == key
    assert profile_photos.photo_to_send(profile_photos.open_photo(db, photo_key=key, side=256)).size  # still served
    if caller is None:
        assert state.errors == {"form": "Please sign in to continue."}


GUARDED = {
    "ProfilePhotoState.load_photo": _load_photo,
    "ProfilePhotoState.upload_photo": _upload_photo,
    "ProfilePhotoState.remove_photo": _remove_photo,
}
