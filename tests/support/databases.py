"""Throwaway databases for tests, built by running the real migrations."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import sqlalchemy as sa
from sqlalchemy.engine import make_url

import adapters.db.models  # noqa: F401
from adapters.db import migrate
from adapters.db.base import Base
from adapters.db.engine import Database

POSTGRES_ENV = "COUPLET_TEST_POSTGRES_URL"
REDIS_ENV = "COUPLET_TEST_REDIS_URL"
KEEP_TABLES = {"api_key"}


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV)


@asynccontextmanager
async def throwaway_database(backend: str, tmp: Path, *, migrated: bool = True) -> AsyncIterator[str]:
    """A new empty database on `backend` ("sqlite" or "postgres"); yields its URL."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / f'couplet-{uuid.uuid4().hex[:8]}.db'}"
        if migrated:
            await migrate.upgrade(url)
        yield url
        return
    admin = postgres_admin_url()
    assert admin, f"{POSTGRES_ENV} is not set"
    name = f"couplet_test_{uuid.uuid4().hex[:12]}"
    admin_dsn = make_url(admin).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    pg_url = make_url(admin).set(drivername="postgresql+asyncpg", database=name)
    url = pg_url.render_as_string(hide_password=False)
    try:
        if migrated:
            await migrate.upgrade(url)
        yield url
    finally:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def empty_tables(db: Database) -> None:
    """Delete every row the tests wrote (API keys stay for the session)."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    async with db.transaction() as session:
        if db.dialect == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            await session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        if "customer" in Base.metadata.tables:
            await session.execute(sa.text("UPDATE customer SET primary_contact_no = NULL"))
        for t in tables:
            await session.execute(t.delete())
