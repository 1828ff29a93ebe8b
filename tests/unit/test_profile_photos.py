"""Profile photos: checked by their content, resized and re-encoded without metadata, stored like delivery files,
served with care, and gone when removed; every hostile file refused with a clear message and nothing stored."""

from __future__ import annotations

import asyncio
import io
import stat
from pathlib import Path

import pytest
import reflex as rx
from PIL import Image
from sqlmodel import Session

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain import profile_photo
from jtbd_app.domain.errors import NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import Profile, User
from jtbd_app.services.accounts import profile_photos
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.profile_photos import ProfilePhotoState
from jtbd_app.state.session import SessionState
from tests.support import photos
from tests.support.handlers import call, call_upload, state_for
from tests.support.members import make_user, session_token

SAMPLES = Path(__file__).parent / "file_samples"


def viewer_of(user: User, status: str = "active") -> Viewer:
    assert user.id is not None
    return Viewer(user.id, user.username, user.username.title(), user.role, status)


def upload(viewer: Viewer | None, content: bytes | None) -> profile_photos.PhotoUrls:
    read: list[int] = []

    async def read_file(size: int) -> bytes | None:
        read.append(size)
        return content

    return asyncio.run(profile_photos.upload_photo(session_factory=session_scope, viewer=viewer, read_file=read_file))


def stored_files() -> list[Path]:
    folder = get_settings().resolved_private_files_dir / "photos"
    return sorted(folder.iterdir()) if folder.exists() else []


def key_of(db: Session, user: User) -> str:
    db.expire_all()
    profile = db.get(Profile, user.id)
    assert profile is not None
    return profile.photo_key


# The image rules


@pytest.mark.parametrize("sample", ["python.png", "python.jpg", "python.gif", "python.webp"])
def test_each_accepted_kind_becomes_two_jpeg_squares(sample: str) -> None:
    squares = profile_photo.process_photo((SAMPLES / sample).read_bytes())

    assert set(squares) == {256, 64}
    for side, content in squares.items():
        image = Image.open(io.BytesIO(content))
        assert (image.format, image.size) == ("JPEG", (side, side))


def test_the_kept_photo_carries_no_metadata_of_the_upload() -> None:
    original = photos.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825), "the sample has GPS data"

    for content in profile_photo.process_photo(original).values():
        assert not Image.open(io.BytesIO(content)).getexif()
        assert b"Exif" not in content and b"SecretCam" not in content


def test_a_wide_photo_is_cropped_to_its_centre_square() -> None:
    image = Image.new("RGB", (900, 300), (255, 0, 0))
    image.paste((0, 0, 255), (300, 0, 600, 300))  # blue in the middle third
    out = io.BytesIO()
    image.save(out, "PNG")

    square = Image.open(io.BytesIO(profile_photo.process_photo(out.getvalue())[64])).convert("RGB")
    red, _, blue = square.getpixel((32, 32))  # type: ignore[misc]
    assert blue > 200 and red < 60


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (photos.TEXT_RENAMED_PNG, "not an image we accept"),
        (photos.SVG_WITH_SCRIPT, "an SVG image, which can carry scripts"),
        (b"<!doctype html><html><script>alert(1)</script></html>", "a web page"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "a program or script"),
        (photos.png_bomb(), "too large in pixels"),
        (photos.png_bomb(7000), r"too large in pixels \(7000 x 7000\)"),
        (photos.png(9000, 10), r"too large in pixels \(9000 x 10\)"),
        (photos.png()[:60], "could not be read as an image"),
        (b"", "empty"),
        (photos.png() + b"\x00" * (profile_photo.MAX_BYTES + 1), "larger than 5 MB"),
        ((SAMPLES / "sample.odt").read_bytes(), "not an image we accept"),
    ],
    ids=[
        "renamed-text",
        "svg-script",
        "html",
        "program",
        "bomb",
        "small-bomb",
        "too-wide",
        "truncated",
        "empty",
        "oversized",
        "odt",
    ],
)
def test_a_hostile_file_is_refused_with_a_clear_message(content: bytes, says: str) -> None:
    with pytest.raises(profile_photo.PhotoRefused, match=says):
        profile_photo.process_photo(content)


# Storing, replacing, removing


def test_an_upload_keeps_two_private_squares_and_names_them_on_the_profile(db: Session) -> None:
    ann = make_user("ann")

    urls = upload(viewer_of(ann), photos.png())

    key = key_of(db, ann)
    assert urls == profile_photos.PhotoUrls(f"/api/photos/{key}/256", f"/api/photos/{key}/64")
    files = stored_files()
    assert [f.name for f in files] == sorted([f"{key}-256.jpg", f"{key}-64.jpg"])
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


@pytest.mark.parametrize(
    "content", [photos.TEXT_RENAMED_PNG, photos.SVG_WITH_SCRIPT, photos.png_bomb(), None], ids=repr
)
def test_a_refused_upload_stores_nothing_and_keeps_the_old_photo(db: Session, content: bytes | None) -> None:
    ann = make_user("ann")
    upload(viewer_of(ann), photos.png())
    key, files = key_of(db, ann), stored_files()

    with pytest.raises(ValidationFailed) as refused:
        upload(viewer_of(ann), content)

    assert set(refused.value.fields) == {"photo"}
    assert key_of(db, ann) == key and stored_files() == files


def test_a_new_photo_replaces_the_old_one_and_its_files(db: Session) -> None:
    ann = make_user("ann")
    upload(viewer_of(ann), photos.png())
    old = key_of(db, ann)

    upload(viewer_of(ann), photos.jpeg_with_gps())

    new = key_of(db, ann)
    assert new != old and [f.name for f in stored_files()] == sorted([f"{new}-256.jpg", f"{new}-64.jpg"])


def test_removing_the_photo_clears_it_and_deletes_its_files(db: Session) -> None:
    ann = make_user("ann")
    upload(viewer_of(ann), photos.png())

    with session_scope() as session:
        profile_photos.remove_photo(session, viewer=viewer_of(ann))

    assert key_of(db, ann) == "" and stored_files() == []


def test_nobody_uploads_without_signing_in_and_nothing_is_read() -> None:
    async def must_not_read(size: int) -> bytes:
        raise AssertionError("the upload was read before checking who is asking")

    with pytest.raises(NotSignedIn):
        asyncio.run(profile_photos.upload_photo(session_factory=session_scope, viewer=None, read_file=must_not_read))
    assert stored_files() == []


def test_a_suspended_member_cannot_change_the_photo_but_may_remove_it(db: Session) -> None:
    ann = make_user("ann")
    upload(viewer_of(ann), photos.png())

    with pytest.raises(PermissionDenied):
        upload(viewer_of(ann, status="suspended"), photos.png(colour=(0, 0, 0)))
    with session_scope() as session:
        profile_photos.remove_photo(session, viewer=viewer_of(ann, status="suspended"))
    assert key_of(db, ann) == ""


# The settings page's handlers


def test_the_settings_page_uploads_and_shows_the_photo_in_the_header(db: Session) -> None:
    ann = make_user("ann")
    state: ProfilePhotoState = state_for(ProfilePhotoState, token=session_token(ann), path="/settings")
    chosen = rx.UploadFile(file=io.BytesIO(photos.png()), path=Path("me.png"))

    call_upload(state, "upload_photo", [chosen])

    key = key_of(db, ann)
    assert state.errors == {} and state.notice == "Your photo is saved."
    assert state.photo_url == f"/api/photos/{key}/256" and state.viewer_photo == f"/api/photos/{key}/64"
    header: SessionState = state_for(SessionState, token=session_token(ann), path="/")
    call(header, "load_session")
    assert header.viewer_photo == f"/api/photos/{key}/64"


def test_a_file_that_is_not_a_photo_gets_its_message_next_to_the_field(db: Session) -> None:
    ann = make_user("ann")
    state: ProfilePhotoState = state_for(ProfilePhotoState, token=session_token(ann), path="/settings")
    renamed = rx.UploadFile(file=io.BytesIO(photos.TEXT_RENAMED_PNG), path=Path("photo.png"))

    call_upload(state, "upload_photo", [renamed])

    assert "not an image we accept" in state.errors["photo"] and state.photo_url == ""
    assert key_of(db, ann) == "" and stored_files() == []


def test_removing_from_the_settings_page_clears_the_header_too(db: Session) -> None:
    ann = make_user("ann")
    token = session_token(ann)
    upload(viewer_of(ann), photos.png())
    state: ProfilePhotoState = state_for(ProfilePhotoState, token=token, path="/settings")
    call(state, "load_photo")
    assert state.photo_url

    call(state, "remove_photo")

    assert (state.photo_url, state.viewer_photo, state.notice) == ("", "", "Your photo is removed.")
    assert key_of(db, ann) == ""
