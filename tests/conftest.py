"""Fixtures shared by the whole suite.

Backends: every test that takes `database` runs once on SQLite and once on
PostgreSQL (when COUPLET_TEST_POSTGRES_URL names a server it may create
databases on; CI always sets it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.db.engine import Database
from tests.support.databases import POSTGRES_ENV, empty_tables, postgres_admin_url, throwaway_database


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and not postgres_admin_url():
        pytest.skip(f"{POSTGRES_ENV} is not set")
    return str(request.param)


@pytest.fixture(scope="session")
async def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    async with throwaway_database(backend, Path(tmp_path_factory.mktemp("db"))) as url:
        yield url


@pytest.fixture(scope="session")
async def session_database(database_url: str) -> AsyncIterator[Database]:
    db = Database.from_url(database_url, pool_size=5)
    yield db
    await db.dispose()


@pytest.fixture
async def database(session_database: Database) -> AsyncIterator[Database]:
    """The backend's migrated database, emptied after each test."""
    yield session_database
    await empty_tables(session_database)
