"""Integration tier: real PostgreSQL and Redis on this machine (make test starts them when down), and a local
S3-compatible server (moto's) that the tier starts itself."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import redis
from moto.server import ThreadedMotoServer

from tests.support.database import database_env, use_database
from tests.support.s3 import S3_KEYS, s3_client

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the real server, dropped afterwards."""
    name = f"jtbd_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is required for the integration tier ({PG_ADMIN_URL}): {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is required for the integration tier ({REDIS_URL}): {exc}")
    return REDIS_URL


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real HTTP server speaking S3 (moto's), on a free port of this machine for the whole run."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_settings(s3_endpoint: str) -> dict[str, str]:
    """The settings that put uploaded files in a new, empty bucket of the local S3 server (under a prefix)."""
    bucket = f"jtbd-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=bucket)
    return {"S3_BUCKET": bucket, "S3_PREFIX": "uploads/", "S3_ENDPOINT_URL": s3_endpoint, **S3_KEYS}


@pytest.fixture
def database_settings(postgres_url: str) -> dict[str, str]:
    """The settings `database` gives the app. A module overrides this fixture to add some (Stripe's, say)."""
    return database_env(postgres_url)


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, postgres_url: str, database_settings: dict[str, str]) -> Iterator[str]:
    """The app (this process's settings, `get_engine`, `session_scope`) on a fresh database whose tables come from
    the models' metadata, as in the unit tier; yields the database's URL."""
    with use_database(monkeypatch, database_settings, create_tables=True):
        yield postgres_url
