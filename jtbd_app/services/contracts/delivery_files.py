"""Delivery files (and dispute evidence, which shares their keys) in the file store under random keys, outside
anything served statically.

Only `open_for_viewer` names a file to hand out, and only to the contract's two parties and admins; the HTTP route
that serves it checks the session cookie first, then sends the bytes, found with `file_to_send` outside the transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from jtbd_app.config import get_settings
from jtbd_app.domain import file_types
from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.ids import parse_id
from jtbd_app.models import DeliveryFile
from jtbd_app.services.contracts import lifecycle
from jtbd_app.services.file_storage import StoredBytes, file_store, stored_bytes
from jtbd_app.services.viewer import Viewer

SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
MAX_FILES = 10
NOT_FOUND = "That file does not exist."


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    content: bytes


@dataclass(frozen=True)
class StoredFile:
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    storage_key: str


def safe_filename(name: object) -> str:
    base = Path(name if isinstance(name, str) else "").name
    cleaned = SAFE_NAME.sub("_", base).strip(" .")[:120]
    return cleaned or "file"


def check_files(files: list[IncomingFile]) -> None:
    """Count, size, and kind by content (the DELIVERY_FILE_TYPES allow-list); ValueError names the first bad file."""
    settings = get_settings()
    limit = settings.delivery_max_file_mb * 1024 * 1024
    if len(files) > MAX_FILES:
        raise ValueError(f"Attach at most {MAX_FILES} files.")
    for item in files:
        name = safe_filename(item.filename)
        if not item.content:
            raise ValueError(f"{name} is empty.")
        if len(item.content) > limit:
            raise ValueError(f"{name} is larger than {settings.delivery_max_file_mb} MB.")
        file_types.check_file(name, item.content, allowed=settings.delivery_file_kinds)


def store(item: IncomingFile) -> StoredFile:
    name = safe_filename(item.filename)
    key = secrets.token_urlsafe(24)
    file_store().save(key, item.content)
    # The kind its content was checked to be (check_files ran first), not a guess from the name.
    content_type = file_types.check_file(name, item.content, allowed=tuple(file_types.KINDS)).mime
    return StoredFile(name, content_type, len(item.content), hashlib.sha256(item.content).hexdigest(), key)


def file_to_send(storage_key: str, *, not_found: str = NOT_FOUND) -> StoredBytes:
    """A stored file to send (delivery and dispute files share the store's top level); NotFound when it is gone."""
    return stored_bytes(storage_key, not_found=not_found)


def open_for_viewer(session: Session, *, viewer: Viewer | None, file_id: object) -> DeliveryFile:
    """The file's row, if the viewer may read it; anyone else is told it does not exist. Its bytes: `file_to_send`."""
    row = session.get(DeliveryFile, parse_id(file_id, not_found=NOT_FOUND))
    if row is None:
        raise NotFound(NOT_FOUND)
    lifecycle.visible_contract(session, viewer=viewer, contract_id=row.contract_id)
    return row
