"""The photo section of /settings: the member uploads or removes their own photo. The upload handler acts for the
cookie of the upload request (`_uploader`), the others for the websocket's; the service checks who may."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.accounts import profile_photos
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.session import SessionState

UPLOAD_ID = "profile_photo"


class _Upload:
    """The chosen file, read only when the service asks (once it checked who is uploading), at most `size` bytes."""

    def __init__(self, files: object) -> None:
        self.files: list[Any] = files if isinstance(files, list) else []

    async def __call__(self, size: int) -> bytes | None:
        return await self.files[0].read(size) if self.files else None


class ProfilePhotoState(SessionState):
    photo_url: str = ""
    errors: dict[str, str] = {}
    notice: str = ""
    busy: bool = False

    @rx.event
    def load_photo(self) -> None:
        """Signed-in only: shows the viewer's own photo (a visitor sees nothing). /settings opens it in its own page
        load (`SettingsState.load_settings`)."""
        self._open(self._viewer())

    def _open(self, viewer: Viewer | None) -> None:
        self.errors, self.notice, self.photo_url = {}, "", ""
        try:
            with read_scope() as session:
                self.photo_url = profile_photos.own_photo_url(session, viewer=viewer)
        except DomainError:
            self.photo_url = ""

    @rx.event
    async def upload_photo(self, files: list[rx.UploadFile]) -> AsyncIterator[EventSpec | None]:
        """The member's new photo, checked, resized and re-encoded by the service; a refusal stores nothing."""
        self.errors, self.notice, self.busy = {}, "", True
        yield None
        try:
            urls = await profile_photos.upload_photo(
                session_factory=session_scope, viewer=self._uploader(), read_file=_Upload(files)
            )
        except DomainError as exc:
            self.errors, self.busy = field_errors(exc), False
            return
        self.photo_url, self.viewer_photo = urls.large, urls.small
        self.busy, self.notice = False, "Your photo is saved."
        yield rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    def remove_photo(self) -> None:
        """Removes the viewer's own photo; it is no longer shown or served."""
        self.errors, self.notice = {}, ""
        try:
            with session_scope() as session:
                profile_photos.remove_photo(session, viewer=self._viewer())
        except DomainError as exc:
            self.errors = field_errors(exc)
            return
        self.photo_url, self.viewer_photo, self.notice = "", "", "Your photo is removed."
