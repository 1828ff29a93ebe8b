"""Settings: placeholders refused outside development; a development key generated once."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from jtbd_app import config
from jtbd_app.config import Settings


def test_production_refuses_a_missing_or_placeholder_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for value in ("", "changeme", "short"):
        monkeypatch.setenv("SECRET_KEY", value)
        with pytest.raises(ValidationError, match="SECRET_KEY"):
            Settings(JTBD_ENV="production", _env_file=None)  # type: ignore[call-arg]


def test_production_refuses_a_placeholder_client_secret_for_a_configured_provider(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECRET_KEY", "a" * 40)
    monkeypatch.setenv("GOOGLE_CLIENT_ID", "id")
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", "changeme")
    with pytest.raises(ValidationError, match="GOOGLE_CLIENT_SECRET"):
        Settings(JTBD_ENV="production", _env_file=None)  # type: ignore[call-arg]


def test_development_generates_one_secret_key_into_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "DATA_DIR", tmp_path / "data")
    monkeypatch.setenv("SECRET_KEY", "")
    settings = Settings(JTBD_ENV="development", _env_file=None)  # type: ignore[call-arg]
    first = settings.resolved_secret_key
    assert len(first) >= 48 and settings.resolved_secret_key == first
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_switches_to_postgres_with_the_psycopg_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h:5432/db")
    assert Settings(_env_file=None).resolved_database_url == "postgresql+psycopg://u@h:5432/db"  # type: ignore[call-arg]


def test_allowed_origins_default_to_the_app_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_URL", "https://jobs.example.com/")
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.allowed_origins == ["https://jobs.example.com"] and settings.cookies_secure
