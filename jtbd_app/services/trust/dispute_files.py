"""The evidence files of a dispute, served to the contract's two parties and administrators only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.ids import parse_id
from jtbd_app.models import (
    DisputeCase,
    DisputeFile,
)
from jtbd_app.services.contracts import delivery_files, lifecycle
from jtbd_app.services.file_storage import StoredBytes
from jtbd_app.services.trust import dispute_steps as steps
from jtbd_app.services.viewer import Viewer

# -------------------------------------------------------------------------------------------------------- files


@dataclass(frozen=True)
class OpenedFile:
    filename: str
    content_type: str
    storage_key: str

    def to_send(self) -> StoredBytes:
        """It in the file store, to send (ask outside any transaction); NotFound when it is gone."""
        return delivery_files.file_to_send(self.storage_key, not_found=steps.FILE_NOT_FOUND)


def open_for_viewer(session: Session, *, viewer: Viewer | None, file_id: object) -> OpenedFile:
    """An evidence file, for the contract's two parties and admins; anyone else is told it does not exist."""
    row = session.get(DisputeFile, parse_id(file_id, not_found=steps.FILE_NOT_FOUND))
    case = session.get(DisputeCase, row.case_id) if row is not None else None
    if row is None or case is None:
        raise NotFound(steps.FILE_NOT_FOUND)
    try:
        lifecycle.visible_contract(session, viewer=viewer, contract_id=case.contract_id)
    except NotFound as exc:
        raise NotFound(steps.FILE_NOT_FOUND) from exc
    return OpenedFile(row.filename, row.content_type, row.storage_key)
