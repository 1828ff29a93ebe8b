"""Unit tier: no services. Each test gets a fresh SQLite file with the current schema and terms v1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, create_engine

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.services.accounts import passwords, terms
from tests.support.contracts import Deal, agreed_contract
from tests.support.database import database_env, use_database
from tests.support.members import make_user

# Hashing at full argon2 cost in every test would make the tier slow; production parameters are tested once.
FAST_HASH = passwords.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'unit.db'}"
    monkeypatch.setattr(passwords, "_hasher", lambda: FAST_HASH)
    passwords._dummy_hash.cache_clear()
    env = database_env(url, PRIVATE_FILES_DIR=str(tmp_path / "private"))
    with use_database(monkeypatch, env, create_tables=True):
        with session_scope() as session:
            terms.publish_terms(session, title="Terms", body="Be nice.\n\nLiability: limited.")
        yield url
    passwords._dummy_hash.cache_clear()


@pytest.fixture
def db(database: str) -> Iterator[Session]:
    """A session for a test to look at (and set up) the database between the units of work it drives. It is not one:
    its reads run outside a transaction (the sqlite driver's own default), so each sees what was committed last and
    none holds the write lock that the app's units of work take (`jtbd_app.db`)."""
    engine = create_engine(database, connect_args={"check_same_thread": False, "timeout": 30})
    with Session(engine, expire_on_commit=False) as session:
        yield session
        session.commit()
    engine.dispose()


@pytest.fixture
def mail_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """No mail server in the settings, whatever the machine's environment says."""
    monkeypatch.setenv("SMTP_HOST", "")
    get_settings.cache_clear()


@pytest.fixture
def deal() -> Deal:
    """Carol hired Ken for $100.00 and both accepted the contract: it awaits funding."""
    return agreed_contract(make_user("carol"), make_user("ken"), price="100")


@pytest.fixture
def half_fee(monkeypatch: pytest.MonkeyPatch) -> None:
    """The platform keeps 50% of every price, the most PLATFORM_FEE_PERCENT allows."""
    monkeypatch.setenv("PLATFORM_FEE_PERCENT", "50")
    get_settings.cache_clear()
