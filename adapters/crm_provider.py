"""The CRM client for the configured connection, built once and shared."""

from __future__ import annotations

import asyncio

from adapters.crypto import SecretBox
from adapters.dataverse import DataverseClient, DataverseConfig
from adapters.dataverse._config import DEFAULT_AUTHORITY_URL
from adapters.db.engine import Database
from adapters.db.models import ConnectionRow
from adapters.settings import Settings
from domain.crm import CrmClient
from domain.errors import ErrorCode, ValidationFailed

CONNECTION_ID = 1


def config_from_row(row: ConnectionRow, secret: str, settings: Settings) -> DataverseConfig:
    return DataverseConfig(
        url=row.server_url,
        tenant_id=row.tenant_id,
        client_id=row.client_id,
        client_secret=secret,
        authority_url=row.authority_url or DEFAULT_AUTHORITY_URL,
        timeout=settings.crm_timeout_seconds,
        max_concurrency=settings.crm_max_concurrency,
    )


class CrmProvider:
    """Hands out the `CrmClient` of the stored connection; rebuilds it when the
    connection's settings change (a new fingerprint)."""

    def __init__(self, db: Database, settings: Settings, secrets: SecretBox | None = None) -> None:
        self._db = db
        self._settings = settings
        self._secrets = secrets
        self._client: DataverseClient | None = None
        self._fingerprint: tuple[object, ...] | None = None
        self._lock = asyncio.Lock()

    @property
    def secrets(self) -> SecretBox:
        if self._secrets is None:
            self._secrets = SecretBox.from_settings(self._settings)
        return self._secrets

    async def client(self) -> CrmClient:
        """The client; a userError NOT_CONFIGURED when no connection is configured."""
        async with self._db.read() as session:
            row = await session.get(ConnectionRow, CONNECTION_ID)
        if row is None or not row.client_secret:
            raise ValidationFailed.single(
                None, "the CRM connection is not configured", ErrorCode.NOT_CONFIGURED
            )
        fingerprint = (row.server_url, row.tenant_id, row.client_id, row.client_secret, row.authority_url)
        async with self._lock:
            if self._client is None or fingerprint != self._fingerprint:
                if self._client is not None:
                    await self._client.close()
                config = config_from_row(row, self.secrets.decrypt(row.client_secret), self._settings)
                self._client, self._fingerprint = DataverseClient(config), fingerprint
            return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
