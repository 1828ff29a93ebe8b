"""The local folder file store (the default): the stores' shared checks, and what only a folder can show."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from jtbd_app import bootstrap
from jtbd_app.adapters.storage_local import LocalFolderStore
from jtbd_app.config import get_settings
from jtbd_app.services.file_storage import file_store
from jtbd_app.services.ports import FileStore
from tests.support.file_store_contract import CHECKS


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_local_folder_store_keeps_the_contract_of_every_store(
    check: Callable[[FileStore], None], tmp_path: Path
) -> None:
    check(LocalFolderStore(tmp_path / "files"))


def test_files_are_owner_only_and_stay_inside_the_folder(tmp_path: Path) -> None:
    store = LocalFolderStore(tmp_path / "files")
    store.save("photos/k-64.jpg", b"jpeg")
    path = tmp_path / "files" / "photos" / "k-64.jpg"
    assert path.read_bytes() == b"jpeg" and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "files").rglob("*") if p.is_file()] == ["k-64.jpg"]  # no temporary file left


def test_files_someone_else_put_in_the_folder_are_not_listed(tmp_path: Path) -> None:
    store = LocalFolderStore(tmp_path)
    (tmp_path / "notes.txt~").write_text("an editor's backup")
    (tmp_path / ".upload-half").write_text("a write cut short")
    store.save("ours", b"1")
    assert list(store.keys()) == ["ours"]


def test_without_a_bucket_the_services_keep_files_in_the_private_folder() -> None:
    store = file_store()
    assert isinstance(store, LocalFolderStore) and store.root == get_settings().resolved_private_files_dir
    assert bootstrap.file_store(get_settings()) is store  # one store per configuration
