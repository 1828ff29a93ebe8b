"""Alembic environment: the database URL comes from the app settings (or the caller's config)."""

from __future__ import annotations

from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool, text
from sqlmodel import SQLModel

import jtbd_app.models  # noqa: F401  (registers the tables)
from alembic import context
from jtbd_app.config import get_settings
from jtbd_app.models.search_index import is_unmodelled

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name)
if not config.get_main_option("sqlalchemy.url"):
    config.set_main_option("sqlalchemy.url", get_settings().resolved_database_url)
target_metadata = SQLModel.metadata
MIGRATION_LOCK = 7_411_016  # any constant key of PostgreSQL's advisory locks, the same in every app container


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """The full-text index's tables, column and index are built by hand (see models/search_index.py)."""
    return not is_unmodelled(name, type_)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    return not is_unmodelled(name, type_)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        include_object=include_object,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_object=include_object,
            include_name=include_name,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # App containers migrate as they start: the first takes this lock and migrates, the others wait for
                # its commit and then find nothing left to do (the lock ends with the transaction).
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
