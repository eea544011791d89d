"""What connection setup needs from the outside world."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Protocol
from uuid import UUID

from domain.auth import Role
from domain.connection.model import CrmConnection, CrmCredentials
from domain.crm_admin import CrmClient
from domain.financials.ports import ErpStore
from domain.mappings.ports import MappingStore


class ConnectionStore(Protocol):
    """The single stored CRM connection; the client secret is kept encrypted."""

    async def get(self) -> CrmConnection | None:
        """The connection, or None before the first `configure`."""

    async def credentials(self) -> CrmCredentials | None:
        """The stored sign-in, secret decrypted; None when no secret is stored."""

    async def save(self, connection: CrmConnection, *, client_secret: str | None = None) -> None:
        """Insert or replace the connection; a None `client_secret` keeps the stored one."""

    async def is_enabled(self) -> bool:
        """Whether sync is switched on (schedules run only while it is)."""

    async def coupling_count(self) -> int:
        """How many couplings exist (they belong to the organization last connected)."""

    async def webhook_key(self) -> str | None:
        """The key Dataverse's webhooks must send, decrypted; None when none is set."""

    async def set_webhook_key(self, key: str) -> None:
        """Replace the webhook key (stored encrypted); the connection must exist."""


class ConnectionState(Protocol):
    """Quick reads of the connection outside any unit of work (the schedule, the
    change triggers and every webhook call ask them)."""

    async def is_enabled(self) -> bool:
        """Whether sync is switched on: schedules and triggers start nothing while it is not."""

    async def webhook_check(self) -> tuple[str | None, UUID | None]:
        """The webhook key (decrypted; None when none is set) and the integration user's id."""


class ApiKeyIssuer(Protocol):
    """Creates and revokes API keys (for the CRM plugin's AVAILABILITY key)."""

    async def issue(self, name: str, role: Role) -> tuple[UUID, str]:
        """A new key: its id and its secret, which is not kept anywhere."""

    async def revoke(self, key_id: UUID) -> None:
        """Revoke the key (a no-op when it is unknown or already revoked)."""


class CrmClientFactory(Protocol):
    """Builds CRM clients from explicit credentials (setup signs in as the stored
    connection, or once as an admin app) and drops cached ones after a change."""

    def connect(self, credentials: CrmCredentials) -> AbstractAsyncContextManager[CrmClient]:
        """A client for these credentials, closed when the block ends."""

    async def reset(self) -> None:
        """Forget clients built from earlier settings (the next use builds anew)."""


class SetupUnitOfWork(Protocol):
    """The stores setup writes, on one transaction: commit at the end of
    `async with`, roll back when it raises."""

    @property
    def connection(self) -> ConnectionStore: ...

    @property
    def mappings(self) -> MappingStore: ...

    @property
    def erp(self) -> ErpStore: ...

    @property
    def keys(self) -> ApiKeyIssuer: ...

    async def __aenter__(self) -> SetupUnitOfWork: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


SetupUnitOfWorkFactory = Callable[[], SetupUnitOfWork]
