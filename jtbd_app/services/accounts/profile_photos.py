"""Profile photos: the member's own upload, checked and re-encoded (`domain/profile_photo`), kept in the file store
as the delivery files are (random keys, under "photos/", outside anything served statically) and handed out only
through `open_photo`, which the photo route calls: a removed photo, or one of a profile the moderators hid, is not
served.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlmodel import Session, select

from jtbd_app.domain import profile_photo
from jtbd_app.domain.errors import NotFound, ValidationFailed
from jtbd_app.models import Profile
from jtbd_app.services.file_storage import StoredBytes, file_store, stored_bytes
from jtbd_app.services.viewer import Viewer, require_active, require_viewer

SessionFactory = Callable[[], AbstractContextManager[Session]]
ReadPhoto = Callable[[int], Awaitable[bytes | None]]  # reads at most that many bytes of the upload; None: no file
ROUTE = "/api/photos"
NO_SUCH_PHOTO = "There is no such photo."
CHOOSE = "Choose a photo to upload."
KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what `secrets.token_urlsafe` makes; nothing else names a file


def photo_url(photo_key: str, side: int = 256) -> str:
    """Where a photo's square is served; "" for a member without a photo."""
    return f"{ROUTE}/{photo_key}/{side}" if photo_key else ""


def stored_key(photo_key: str, side: int) -> str:
    """The file store's key of one square of a photo."""
    return f"photos/{photo_key}-{side}.jpg"


def _write(squares: dict[int, bytes]) -> str:
    key = secrets.token_urlsafe(24)
    store = file_store()
    for side, content in squares.items():
        store.save(stored_key(key, side), content)
    return key


def _delete(photo_key: str) -> None:
    store = file_store()
    for side in profile_photo.SIZES:
        store.delete(stored_key(photo_key, side))


@dataclass(frozen=True)
class PhotoUrls:
    large: str = ""  # the profile page and settings
    small: str = ""  # the header, cards and lists


async def upload_photo(*, session_factory: SessionFactory, viewer: Viewer | None, read_file: ReadPhoto) -> PhotoUrls:
    """The member's new photo; returns its addresses. Who is asking is checked before a byte of the upload is read;
    a refused file (ValidationFailed on "photo") stores nothing and leaves the old photo in place."""
    actor = require_active(viewer)
    content = await read_file(profile_photo.MAX_BYTES + 1)
    if not content:
        raise ValidationFailed({"photo": CHOOSE})
    try:  # decoding a large image takes a moment: off the event loop, so other members are not kept waiting
        squares = await asyncio.to_thread(profile_photo.process_photo, content)
    except profile_photo.PhotoRefused as exc:
        raise ValidationFailed({"photo": str(exc)}) from None
    key = _write(squares)
    try:
        with session_factory() as session:
            profile = _own_profile(session, actor)
            old, profile.photo_key = profile.photo_key, key
            session.add(profile)
    except BaseException:
        _delete(key)
        raise
    if old:
        _delete(old)
    return PhotoUrls(photo_url(key, 256), photo_url(key, 64))


def remove_photo(session: Session, *, viewer: Viewer | None) -> None:
    """The member's photo is gone: no longer shown or served, its files deleted. A suspended member may still."""
    actor = require_viewer(viewer)
    profile = _own_profile(session, actor)
    old, profile.photo_key = profile.photo_key, ""
    session.add(profile)
    session.flush()
    if old:
        _delete(old)


def own_photo_url(session: Session, *, viewer: Viewer | None) -> str:
    """The member's own photo (the large square), "" without one."""
    return photo_url(_own_profile(session, require_viewer(viewer)).photo_key)


def _own_profile(session: Session, actor: Viewer) -> Profile:
    profile = session.get(Profile, actor.user_id)
    if profile is None:
        raise NotFound("Your profile was not found.")
    return profile


def open_photo(session: Session, *, photo_key: object, side: object) -> str:
    """The store's key of the square of a photo someone may see (its profile not hidden); NotFound for anything else.
    Its bytes: `photo_to_send`, outside the transaction."""
    sizes = {str(s): s for s in profile_photo.SIZES}
    if not isinstance(photo_key, str) or not KEY.fullmatch(photo_key) or str(side) not in sizes:
        raise NotFound(NO_SUCH_PHOTO)
    profile = session.exec(select(Profile).where(Profile.photo_key == photo_key)).first()
    if profile is None or profile.hidden_at is not None:
        raise NotFound(NO_SUCH_PHOTO)
    return stored_key(photo_key, sizes[str(side)])


def photo_to_send(key: str) -> StoredBytes:
    """The JPEG of a square `open_photo` named, to send; NotFound when it is gone."""
    return stored_bytes(key, not_found=NO_SUCH_PHOTO)
