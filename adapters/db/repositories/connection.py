"""The stored CRM connection (table ``crm_connection``, the single row id 1), the
API keys setup issues, and the unit of work connection setup writes through."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.crm_provider import CONNECTION_ID
from adapters.crypto import SecretBox, SecretKeyMissing
from adapters.db.engine import Database
from adapters.db.models import ApiKeyRow, ConnectionRow, CouplingRow
from adapters.db.repositories.api_keys import ApiKeyRepository
from adapters.db.repositories.financials import SqlErpStore
from adapters.db.repositories.mappings import SqlMappingStore
from adapters.db.uow import SqlUnitOfWork
from domain.auth import Role
from domain.clock import Clock, IdFactory
from domain.connection.model import ConnectionStatus, CrmConnection, CrmCredentials
from domain.connection.ports import ConnectionState, SetupUnitOfWork
from domain.errors import ErrorCode, ValidationFailed


def _connection(row: ConnectionRow) -> CrmConnection:
    return CrmConnection(
        server_url=row.server_url,
        tenant_id=row.tenant_id,
        client_id=row.client_id,
        authority_url=row.authority_url,
        has_client_secret=bool(row.client_secret),
        integration_user=row.integration_user,
        integration_user_id=row.integration_user_id,
        is_enabled=row.is_enabled,
        status=ConnectionStatus(row.status),
        last_tested_at=row.last_tested_at,
        last_error=row.last_error,
        crm_version=row.crm_version,
        organization_id=row.organization_id,
        solution_installed=row.solution_installed,
        solution_version=row.solution_version,
        enabled_mappings=None if row.enabled_mappings is None else tuple(row.enabled_mappings),
        item_availability_enabled=row.item_availability_enabled,
        availability_key_id=row.availability_key_id,
        sales_order_integration_enabled=row.sales_order_integration_enabled,
        sales_order_user=row.sales_order_user,
        sales_order_user_id=row.sales_order_user_id,
    )


_COPIED = (
    "server_url",
    "tenant_id",
    "client_id",
    "authority_url",
    "integration_user",
    "integration_user_id",
    "is_enabled",
    "last_tested_at",
    "last_error",
    "crm_version",
    "organization_id",
    "solution_installed",
    "solution_version",
    "item_availability_enabled",
    "availability_key_id",
    "sales_order_integration_enabled",
    "sales_order_user",
    "sales_order_user_id",
)


class SqlConnectionStore:
    """`ConnectionStore` on the caller's session; secrets go through the `SecretBox`
    `secrets` returns, asked for only when a secret is read or written (so the
    connection can be shown even where COUPLET_SECRET_KEY is missing)."""

    def __init__(self, session: AsyncSession, secrets: Callable[[], SecretBox], clock: Clock) -> None:
        self.session = session
        self.secrets = secrets
        self.clock = clock

    def _box(self) -> SecretBox:
        try:
            return self.secrets()
        except SecretKeyMissing as missing:
            raise ValidationFailed.single("client_secret", str(missing), ErrorCode.NOT_CONFIGURED) from None

    async def _row(self) -> ConnectionRow | None:
        return await self.session.get(ConnectionRow, CONNECTION_ID)

    async def get(self) -> CrmConnection | None:
        row = await self._row()
        return None if row is None else _connection(row)

    async def credentials(self) -> CrmCredentials | None:
        row = await self._row()
        if row is None or not row.client_secret:
            return None
        return CrmCredentials(
            server_url=row.server_url,
            tenant_id=row.tenant_id,
            client_id=row.client_id,
            client_secret=self._decrypt(row.client_secret),
            authority_url=row.authority_url,
        )

    async def save(self, connection: CrmConnection, *, client_secret: str | None = None) -> None:
        now = self.clock.now()
        row = await self._row()
        if row is None:
            row = ConnectionRow(id=CONNECTION_ID, created_at=now)
            self.session.add(row)
        for name in _COPIED:
            setattr(row, name, getattr(connection, name))
        row.status = connection.status.value
        row.enabled_mappings = (
            None if connection.enabled_mappings is None else list(connection.enabled_mappings)
        )
        if client_secret is not None:
            row.client_secret = self._box().encrypt(client_secret)
        row.modified_at = now
        await self.session.flush()

    async def is_enabled(self) -> bool:
        return await _is_enabled(self.session)

    async def coupling_count(self) -> int:
        return int(await self.session.scalar(sa.select(sa.func.count()).select_from(CouplingRow)) or 0)

    async def webhook_key(self) -> str | None:
        row = await self._row()
        if row is None or not row.webhook_secret:
            return None
        return self._box().decrypt(row.webhook_secret)

    async def set_webhook_key(self, key: str) -> None:
        row = await self._row()
        if row is None:
            raise LookupError("there is no CRM connection")
        row.webhook_secret = self._box().encrypt(key)
        row.modified_at = self.clock.now()
        await self.session.flush()

    def _decrypt(self, token: str) -> str:
        try:
            return self._box().decrypt(token)
        except SecretKeyMissing as wrong:
            raise ValidationFailed.single(
                "client_secret", f"{wrong}: configure the connection again", ErrorCode.NOT_CONFIGURED
            ) from None


class SqlApiKeyIssuer:
    """`ApiKeyIssuer` on the caller's session."""

    def __init__(self, session: AsyncSession, clock: Clock, ids: IdFactory) -> None:
        self.session = session
        self.clock = clock
        self.ids = ids

    async def issue(self, name: str, role: Role) -> tuple[UUID, str]:
        key, secret = await ApiKeyRepository(self.session).create(name, role, self.clock, self.ids)
        return key.id, secret

    async def revoke(self, key_id: UUID) -> None:
        await self.session.execute(
            sa.update(ApiKeyRow)
            .where(ApiKeyRow.id == key_id, ApiKeyRow.revoked_at.is_(None))
            .values(revoked_at=self.clock.now())
        )


class SqlSetupUnitOfWork:
    """`SetupUnitOfWork`: the connection, mappings, ERP and keys on one transaction."""

    connection: SqlConnectionStore
    mappings: SqlMappingStore
    erp: SqlErpStore
    keys: SqlApiKeyIssuer

    def __init__(self, db: Database, secrets: Callable[[], SecretBox], clock: Clock, ids: IdFactory) -> None:
        self._uow = SqlUnitOfWork(db, clock, ids)
        self._secrets = secrets
        self._clock = clock
        self._ids = ids

    async def __aenter__(self) -> SqlSetupUnitOfWork:
        uow = await self._uow.__aenter__()
        self.mappings = uow.mappings
        self.erp = uow.erp
        self.connection = SqlConnectionStore(uow.session, self._secrets, self._clock)
        self.keys = SqlApiKeyIssuer(uow.session, self._clock, self._ids)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._uow.__aexit__(exc_type, exc, tb)


async def connection_enabled(db: Database) -> bool:
    """Whether sync is switched on: schedulers skip their runs while it is not."""
    async with db.read() as session:
        return await _is_enabled(session)


class SqlConnectionState:
    """`ConnectionState` in short read sessions (no write lock on SQLite)."""

    def __init__(self, db: Database, secrets: Callable[[], SecretBox], clock: Clock) -> None:
        self._db = db
        self._secrets = secrets
        self._clock = clock

    async def is_enabled(self) -> bool:
        return await connection_enabled(self._db)

    async def webhook_check(self) -> tuple[str | None, UUID | None]:
        async with self._db.read() as session:
            store = SqlConnectionStore(session, self._secrets, self._clock)
            row = await store._row()
            if row is None:
                return None, None
            return await store.webhook_key(), row.integration_user_id


async def _is_enabled(session: AsyncSession) -> bool:
    enabled = await session.scalar(
        sa.select(ConnectionRow.is_enabled).where(ConnectionRow.id == CONNECTION_ID)
    )
    return bool(enabled)


def _implements_the_port(uow: SqlSetupUnitOfWork) -> SetupUnitOfWork:
    return uow  # mypy checks the SQL unit of work against the setup's port here


def _implements_the_state_port(state: SqlConnectionState) -> ConnectionState:
    return state
