"""The CRM's setup and administration port: what connection setup asks of Dynamics
365 Sales besides rows (users and their security roles, solutions, the version).

`CrmClient` is both ports, as one connection's client is: setup reads and writes
rows too (currencies, the company row) and closes the client it opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.crm import CrmRows, WhoAmI


@dataclass(frozen=True, slots=True)
class SecurityRole:
    id: UUID
    name: str


@dataclass(frozen=True, slots=True)
class SystemUser:
    """A CRM user with the security roles assigned to it directly."""

    id: UUID
    full_name: str | None
    domain_name: str | None
    email: str | None
    is_disabled: bool
    is_licensed: bool
    is_integration_user: bool
    access_mode: int | None
    application_id: UUID | None
    roles: tuple[SecurityRole, ...] = ()


@dataclass(frozen=True, slots=True)
class InstalledSolution:
    unique_name: str
    version: str
    installed_on: datetime | None


class CrmAdmin(Protocol):
    """Setup and administration of a CRM organization; every call may raise `CrmError`
    (`domain.crm`'s error tree), after the client's own retries."""

    async def who_am_i(self) -> WhoAmI:
        """The calling user; the cheapest way to test a connection."""

    async def version(self) -> str:
        """The CRM's version (the RetrieveVersion function), e.g. ``"9.2.25044.170"``."""

    async def system_users(self, *, filter: str | None = None) -> list[SystemUser]:
        """Users (optionally filtered with OData) with their directly assigned roles."""

    async def user_roles(self, user_id: UUID) -> list[SecurityRole]: ...

    async def roles(self, *, name: str | None = None) -> list[SecurityRole]:
        """Security roles, optionally only those with this exact name."""

    async def associate_role(self, user_id: UUID, role_id: UUID) -> None:
        """Assign a security role to a user (needs System Administrator)."""

    async def import_solution(self, zip_bytes: bytes, *, overwrite_customizations: bool = True) -> None:
        """Import a solution package (needs System Administrator)."""

    async def installed_solutions(self) -> list[InstalledSolution]: ...


class CrmClient(CrmRows, CrmAdmin, Protocol):
    """A whole CRM client: row access and administration, on one connection."""

    async def close(self) -> None:
        """Release the connection (the HTTP pool, the token cache)."""
