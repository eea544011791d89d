"""The CRM client for the configured connection, built once and shared; and
short-lived clients for setup, built from explicit credentials."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.crypto import SecretBox
from adapters.dataverse import DataverseClient, DataverseConfig
from adapters.dataverse._config import DEFAULT_AUTHORITY_URL
from adapters.db.engine import Database
from adapters.db.models import ConnectionRow
from adapters.settings import Settings
from domain.connection.model import CrmCredentials
from domain.connection.ports import CrmClientFactory
from domain.crm_admin import CrmClient
from domain.errors import ErrorCode, ValidationFailed

CONNECTION_ID = 1
SETUP_RETRIES = 1  # an administrator waiting on a connection test wants an answer, not patience


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


def config_from_credentials(credentials: CrmCredentials, settings: Settings) -> DataverseConfig:
    """A setup client's configuration: one retry, so a wrong URL is told at once."""
    return DataverseConfig(
        url=credentials.server_url,
        tenant_id=credentials.tenant_id,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        authority_url=credentials.authority_url or DEFAULT_AUTHORITY_URL,
        timeout=settings.crm_timeout_seconds,
        max_concurrency=settings.crm_max_concurrency,
        max_retries=SETUP_RETRIES,
        backoff_base=0.2,
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

    @asynccontextmanager
    async def connect(self, credentials: CrmCredentials) -> AsyncIterator[CrmClient]:
        """A client signed in with `credentials` (setup: the stored connection, or an
        admin app once), closed when the block ends; nothing of it is kept."""
        async with DataverseClient(config_from_credentials(credentials, self._settings)) as client:
            yield client

    async def reset(self) -> None:
        """Drop the shared client, so the next `client()` is built (and learns the
        CRM's tables) afresh: after the settings change or a solution is imported."""
        async with self._lock:
            await self.close()

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
            self._fingerprint = None


def _implements_the_port(provider: CrmProvider) -> CrmClientFactory:
    return provider  # mypy checks CrmProvider against the setup's CrmClientFactory here
