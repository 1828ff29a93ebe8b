"""Backups, on SQLite with files in the local folder and on PostgreSQL with files in an S3 bucket: contracts with
delivery files, dispute evidence and photos are backed up, the database and the files are wiped, and the restore
brings back every contract and every file byte for byte through the routes. A backup that does not match its
manifest is refused, and so is a restore over a database that has data, unless asked to replace it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect

from jtbd_app import cli
from jtbd_app.config import _normalise_db_url, get_settings
from jtbd_app.db import get_engine, session_scope
from jtbd_app.services.accounts import terms
from jtbd_app.services.file_storage import file_store
from tests.integration.conftest import PG_ADMIN_URL
from tests.support.database import database_env, use_database
from tests.support.uploads import counts, fetch, make_marketplace


@dataclass
class Site:
    """The app on one database and one file store, and how to lose both."""

    kind: str
    wipe_database: Callable[[], None]

    def wipe(self) -> None:
        store = file_store()
        for key in list(store.keys()):
            store.delete(key)
        get_engine().dispose()
        self.wipe_database()
        assert list(store.keys()) == []

    def has_tables(self) -> bool:
        with get_engine().connect() as conn:
            return bool(inspect(conn).get_table_names())


def _delete_sqlite(path: Path) -> Callable[[], None]:
    def wipe() -> None:
        for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
            (path.parent / name).unlink(missing_ok=True)

    return wipe


def _recreate_postgres(url: str) -> Callable[[], None]:
    name = url.rsplit("/", 1)[1]

    def wipe() -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')

    return wipe


@pytest.fixture(params=["sqlite+folder", "postgresql+bucket"])
def site(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    if request.param == "sqlite+folder":
        path = tmp_path / "app.db"
        url, extra, wipe = f"sqlite:///{path}", {}, _delete_sqlite(path)
    else:
        url = request.getfixturevalue("postgres_url")
        extra, wipe = request.getfixturevalue("s3_settings"), _recreate_postgres(url)
    cli.migrate(_normalise_db_url(url))
    with use_database(monkeypatch, database_env(url, PRIVATE_FILES_DIR=str(tmp_path / "private"), **extra)):
        with session_scope() as session:
            terms.publish_terms(session, title="Terms", body="Be nice.")
        yield Site(request.param, wipe)


def test_a_backup_brings_back_every_contract_and_file_after_both_are_wiped(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = make_marketplace(contracts=3)
    before = counts()
    assert before == {"contracts": 3, "delivery files": 6, "evidence files": 1, "photos": 2}

    assert cli.main(["backup", str(tmp_path / "backup")]) == 0
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"]["contract"] == 3 and len(manifest["files"]) == 6 + 1 + 4
    assert manifest["migration_head"] and manifest["app_version"] == cli.app_version()
    assert "11 files" in capsys.readouterr().out

    site.wipe()
    assert not site.has_tables()

    assert cli.main(["restore", str(tmp_path / "backup")]) == 0, capsys.readouterr().err
    assert counts() == before
    for url, (content, reader) in made.files.items():
        assert fetch(url, reader) == content, url
    assert sorted(file_store().keys()) == sorted(entry["key"] for entry in manifest["files"])


def test_a_backup_that_does_not_match_its_manifest_is_refused_and_nothing_is_restored(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_marketplace(contracts=1)
    folder = tmp_path / "backup"
    assert cli.main(["backup", str(folder)]) == 0
    site.wipe()
    manifest = json.loads((folder / "manifest.json").read_text())
    tampered = folder / "files" / manifest["files"][0]["key"]
    tampered.write_bytes(tampered.read_bytes()[:-1] + b"!")
    capsys.readouterr()

    assert cli.main(["restore", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "does not match its manifest; nothing was restored" in err and str(tampered) in err
    assert not site.has_tables() and list(file_store().keys()) == []

    (folder / "manifest.json").unlink()  # a backup cut short has no manifest
    assert cli.main(["restore", str(folder)]) == 1
    assert "has no manifest.json" in capsys.readouterr().err


def test_restoring_over_a_database_with_data_needs_replace(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = make_marketplace(contracts=1)
    before = counts()
    assert cli.main(["backup", str(tmp_path / "backup")]) == 0
    make_marketplace(prefix="later", contracts=1)  # the database moves on after the backup
    capsys.readouterr()

    assert cli.main(["restore", str(tmp_path / "backup")]) == 1
    assert "already has tables" in capsys.readouterr().err
    assert counts()["contracts"] == 2

    assert cli.main(["restore", "--replace", str(tmp_path / "backup")]) == 0
    assert counts() == before
    for url, (content, reader) in made.files.items():
        assert fetch(url, reader) == content, url


def test_a_backup_goes_into_a_new_folder_only(site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "old.txt").write_text("keep me")
    assert cli.main(["backup", str(tmp_path / "used")]) == 1
    assert "is not an empty folder" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "used").iterdir()] == ["old.txt"]


def test_a_backup_of_one_kind_of_database_is_not_restored_into_the_other(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "backup"
    assert cli.main(["backup", str(folder)]) == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    other = "postgresql" if site.kind.startswith("sqlite") else "sqlite"
    renamed = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[other]
    shutil.move(folder / manifest["database"]["key"], folder / renamed)  # a whole backup, but of the other kind
    manifest["database_kind"], manifest["database"]["key"] = other, renamed
    (folder / "manifest.json").write_text(json.dumps(manifest))
    site.wipe()
    capsys.readouterr()
    assert cli.main(["restore", str(folder)]) == 1
    assert f"This backup holds a {other} database" in capsys.readouterr().err
    assert get_settings().resolved_database_url  # the settings are untouched


def test_the_operator_commands_back_up_and_restore_from_a_shell(tmp_path: Path) -> None:
    """`python -m jtbd_app.cli backup|restore` as cron or an operator runs them: own processes, settings from the
    environment alone."""
    env = {
        **os.environ,
        **database_env(f"sqlite:///{tmp_path / 'shell.db'}", PRIVATE_FILES_DIR=str(tmp_path / "files")),
    }
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "AbcDef123").write_bytes(b"a file the app stored")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "jtbd_app.cli", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)

    assert run("migrate").returncode == 0
    made = run("backup", str(tmp_path / "nightly"))
    assert made.returncode == 0 and "1 files, 21 bytes" in made.stdout, made.stderr
    (tmp_path / "shell.db").unlink()
    shutil.rmtree(tmp_path / "files")
    restored = run("restore", str(tmp_path / "nightly"))
    assert restored.returncode == 0 and "migrations applied" in restored.stdout, restored.stderr
    assert (tmp_path / "files" / "AbcDef123").read_bytes() == b"a file the app stored"
    assert run("restore", str(tmp_path / "nightly")).returncode == 1  # the database has data now


def test_without_postgresqls_client_programs_a_backup_says_what_to_install_and_leaves_nothing(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An image or host without pg_dump (the app's own image had none): a message, no half-made folder, and the
    same command works once the programs are there."""
    cli.migrate(_normalise_db_url(postgres_url))
    with use_database(monkeypatch, database_env(postgres_url, PRIVATE_FILES_DIR=str(tmp_path / "private"))):
        folder, path = tmp_path / "backup", os.environ["PATH"]
        monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
        assert cli.main(["backup", str(folder)]) == 1
        assert "pg_dump is not installed here" in capsys.readouterr().err
        assert not folder.exists()
        monkeypatch.setenv("PATH", path)
        assert cli.main(["backup", str(folder)]) == 0
        assert (folder / "manifest.json").is_file()
