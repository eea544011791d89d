"""Run the Alembic migrations from code (CLI, tests, start-up of the demo)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations

MIGRATIONS_DIR = Path(migrations.__file__).parent


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    return config


def _run(fn_name: str, url: str, *args: str) -> None:
    getattr(command, fn_name)(alembic_config(url), *args)


async def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (Alembic runs its own event loop
    inside env.py, so it runs in a worker thread here)."""
    await asyncio.to_thread(_run, "upgrade", url, revision)


async def downgrade(url: str, revision: str = "base") -> None:
    await asyncio.to_thread(_run, "downgrade", url, revision)


async def check(url: str) -> None:
    """Fail when the models and the migrated schema differ."""
    await asyncio.to_thread(_run, "check", url)


async def is_current(url: str) -> bool:
    """Whether the database is at the newest revision."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.ext.asyncio import create_async_engine

    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            current = await conn.run_sync(lambda c: set(MigrationContext.configure(c).get_current_heads()))
    finally:
        await engine.dispose()
    return current == heads
