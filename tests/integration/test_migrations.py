"""Every migration runs upgrade → check → downgrade on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.db import migrate
from adapters.db.engine import create_engine
from tests.support.databases import throwaway_database


async def tables_in(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_migrations_upgrade_check_and_downgrade(backend: str, tmp_path: Path) -> None:
    async with throwaway_database(backend, tmp_path, migrated=False) as url:
        assert not await migrate.is_current(url)
        await migrate.upgrade(url)
        assert await migrate.is_current(url)
        await migrate.check(url)
        assert {"customer", "item_ledger_entry", "api_key", "erp_tombstone"} <= await tables_in(url)
        await migrate.downgrade(url, "base")
        assert await tables_in(url) <= {"alembic_version"}
        await migrate.upgrade(url)
        await migrate.check(url)


def test_migrations_form_one_line() -> None:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_heads()
    if len(heads) != 1:
        pytest.fail(f"migrations have {len(heads)} heads: {heads}")
