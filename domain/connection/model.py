"""The CRM connection (DOMAIN.md "Connection setup"; BC ref §7.1): where the CRM
is, who Couplet signs in as, what the last test found, and what is switched on.

Secrets never live in these types' `repr` (`field(repr=False)`), and the stored
connection never carries the client secret at all: only whether one is set."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class ConnectionStatus(StrEnum):
    """Where setup stands. CONFIGURED: saved, not tested since the last change.
    CONNECTED: the last test passed, never enabled. ERROR: the last test failed
    (`last_error` says why). ENABLED / DISABLED: tested, and sync switched on / off."""

    CONFIGURED = "CONFIGURED"
    CONNECTED = "CONNECTED"
    ERROR = "ERROR"
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


TESTED_OK = frozenset({ConnectionStatus.CONNECTED, ConnectionStatus.ENABLED, ConnectionStatus.DISABLED})


@dataclass(frozen=True, slots=True)
class CrmCredentials:
    """How to sign in to one Dataverse environment with client credentials."""

    server_url: str
    tenant_id: str
    client_id: str
    client_secret: str = field(repr=False)
    authority_url: str | None = None


@dataclass(frozen=True, slots=True)
class AdminCredentials:
    """An app registration whose application user holds System Administrator; used
    for one solution import and then forgotten (never stored, never logged)."""

    client_id: str
    client_secret: str = field(repr=False)
    tenant_id: str | None = None
    authority_url: str | None = None


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """What `configure` takes. A None `client_secret` keeps the stored one; a None
    `integration_user` means the application user Couplet signs in as."""

    server_url: str
    tenant_id: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    authority_url: str | None = None
    integration_user: str | None = None


@dataclass(frozen=True, slots=True)
class EnableOptions:
    """What `enable` takes; None keeps the current choice (the defaults at first)."""

    mappings: tuple[str, ...] | None = None
    item_availability: bool | None = None
    sales_order_integration: bool | None = None
    sales_order_user: str | None = None


@dataclass(frozen=True)
class CrmConnection:
    """The stored connection, as the API shows it (no secrets)."""

    server_url: str
    tenant_id: str
    client_id: str
    authority_url: str | None = None
    has_client_secret: bool = False
    integration_user: str | None = None
    integration_user_id: UUID | None = None
    is_enabled: bool = False
    status: ConnectionStatus = ConnectionStatus.CONFIGURED
    last_tested_at: datetime | None = None
    last_error: str | None = None
    crm_version: str | None = None
    organization_id: UUID | None = None
    solution_installed: bool = False
    solution_version: str | None = None
    enabled_mappings: tuple[str, ...] | None = None
    item_availability_enabled: bool = False
    availability_key_id: UUID | None = None
    sales_order_integration_enabled: bool = False
    sales_order_user: str | None = None
    sales_order_user_id: UUID | None = None

    @property
    def tested_ok(self) -> bool:
        """The last test passed and nothing that matters changed since."""
        return self.status in TESTED_OK

    @property
    def was_enabled(self) -> bool:
        return self.enabled_mappings is not None

    def settled_status(self) -> ConnectionStatus:
        """The status after a passing test: ENABLED, DISABLED or CONNECTED."""
        if self.is_enabled:
            return ConnectionStatus.ENABLED
        return ConnectionStatus.DISABLED if self.was_enabled else ConnectionStatus.CONNECTED

    def with_changes(self, **changes: object) -> CrmConnection:
        return replace(self, **changes)  # type: ignore[arg-type]
