"""Unit tier: no services. Each test gets a fresh SQLite file with the current schema and terms v1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel

from jtbd_app.config import get_settings
from jtbd_app.db import get_engine, session_scope
from jtbd_app.services.accounts import passwords, terms
from tests.support.app_server import TEST_SECRET

# Hashing at full argon2 cost in every test would make the tier slow; production parameters are tested once.
FAST_HASH = passwords.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'unit.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("JTBD_ENV", "test")
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("REDIS_URL", "")
    monkeypatch.setenv("PRIVATE_FILES_DIR", str(tmp_path / "private"))
    monkeypatch.setattr(passwords, "_hasher", lambda: FAST_HASH)
    passwords._dummy_hash.cache_clear()
    get_settings.cache_clear()
    SQLModel.metadata.create_all(get_engine())
    with session_scope() as session:
        terms.publish_terms(session, title="Terms", body="Be nice.\n\nLiability: limited.")
    yield url
    get_engine().dispose()
    get_settings.cache_clear()
    passwords._dummy_hash.cache_clear()


@pytest.fixture
def db() -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session
        session.commit()
