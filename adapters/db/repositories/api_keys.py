"""API keys: created with their secret shown once, looked up by hash."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.engine import Database
from adapters.db.models import ApiKeyRow
from domain.api_keys import ApiKeyStore
from domain.auth import ApiKey, Principal, Role, display_prefix, hash_secret, new_secret
from domain.clock import Clock, IdFactory


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        prefix=row.prefix,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, name: str, role: Role, clock: Clock, ids: IdFactory) -> tuple[ApiKey, str]:
        """Store a new key; return it with its secret, which is not kept anywhere."""
        secret = new_secret()
        row = ApiKeyRow(
            id=ids.new_id(),
            name=name,
            role=role.value,
            prefix=display_prefix(secret),
            key_hash=hash_secret(secret),
            created_at=clock.now(),
        )
        self.session.add(row)
        await self.session.flush()
        return _key(row), secret

    async def principal(self, secret: str) -> Principal | None:
        """Who holds this secret, unless the key is unknown or revoked."""
        stmt = sa.select(ApiKeyRow).where(
            ApiKeyRow.key_hash == hash_secret(secret), ApiKeyRow.revoked_at.is_(None)
        )
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return None if row is None else Principal(key_id=row.id, name=row.name, role=Role(row.role))

    async def list(self) -> list[ApiKey]:
        rows = (await self.session.execute(sa.select(ApiKeyRow).order_by(ApiKeyRow.created_at))).scalars()
        return [_key(r) for r in rows]

    async def revoke(self, prefix_or_name: str, at: datetime) -> int:
        stmt = (
            sa.update(ApiKeyRow)
            .where(
                sa.or_(ApiKeyRow.prefix == prefix_or_name, ApiKeyRow.name == prefix_or_name),
                ApiKeyRow.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )
        result = await self.session.execute(stmt)
        return int(result.rowcount)  # type: ignore[attr-defined]


class SqlApiKeyStore:
    """`domain.api_keys.ApiKeyStore` on the database, one short transaction per call."""

    def __init__(self, db: Database, clock: Clock, ids: IdFactory) -> None:
        self._db = db
        self._clock = clock
        self._ids = ids

    async def create(self, name: str, role: Role) -> tuple[ApiKey, str]:
        async with self._db.transaction() as session:
            return await ApiKeyRepository(session).create(name, role, self._clock, self._ids)

    async def principal(self, secret: str) -> Principal | None:
        async with self._db.read() as session:
            return await ApiKeyRepository(session).principal(secret)

    async def list(self) -> list[ApiKey]:
        async with self._db.read() as session:
            return await ApiKeyRepository(session).list()


def _implements_the_port(store: SqlApiKeyStore) -> ApiKeyStore:
    return store  # mypy checks the SQL key store against the port here
