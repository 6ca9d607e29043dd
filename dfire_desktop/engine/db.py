"""The database: async engine, session factory, SQLite pragmas, migrations."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from dfire_desktop.engine.errors import ConfigurationError, StoreError

log = logging.getLogger("dfire.db")

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    """An async engine for `url`, with the pragmas SQLite needs."""
    try:
        engine = create_async_engine(url)
    except (ArgumentError, ImportError, ValueError) as exc:
        raise ConfigurationError(
            f"the database URL cannot be used: {exc}; for PostgreSQL write "
            "postgresql+asyncpg://USER@HOST/DB"
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    return engine


def restrict_sqlite_file(engine: AsyncEngine) -> None:
    """Make the SQLite file and its -wal and -shm companions readable by
    their owner only: they hold raw alerts and encrypted credentials."""
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        return
    for suffix in ("", "-wal", "-shm"):
        companion = Path(path + suffix)
        if companion.exists():
            companion.chmod(0o600)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(_alembic_config(connection), "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision; a no-op when it is there."""
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    except SQLAlchemyError as exc:
        raise StoreError(f"could not prepare the database: {exc}") from exc
    log.debug("schema at head url=%s", engine.url.render_as_string())
