"""Connection setup (DOMAIN.md "Connection setup"; BC ref §7): configure → test
→ import Couplet's solution (admin credentials, once) → enable; disable.

GraphQL and `couplet setup` both drive this service. Every step either does
what it says or raises `ValidationFailed` having changed nothing, except `test`,
whose outcome (passed or failed, when, why) is itself what it records."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.clock import Clock
from domain.connection import enabling, solution_import
from domain.connection.messages import explain
from domain.connection.model import (
    AdminCredentials,
    ConnectionSettings,
    ConnectionStatus,
    CrmConnection,
    EnableOptions,
)
from domain.connection.ports import ConnectionState, CrmClientFactory, SetupUnitOfWorkFactory
from domain.connection.solution import UNIQUE_NAME
from domain.connection.state import require_connection
from domain.connection.users import CheckFailed, check_integration_user
from domain.connection.validation import clean_settings
from domain.crm import CrmError
from domain.errors import ErrorCode, ValidationFailed

log = logging.getLogger("couplet.connection")


@dataclass(frozen=True)
class ConnectionService:
    """The setup steps over their ports. `solution_package` builds Couplet's
    solution zip; `public_url` is where CRM plugins reach Couplet."""

    uow: SetupUnitOfWorkFactory
    state: ConnectionState
    crm: CrmClientFactory
    clock: Clock
    solution_package: Callable[[], bytes]
    public_url: str

    async def is_enabled(self) -> bool:
        """Whether the connection is set up and sync switched on."""
        return await self.state.is_enabled()

    async def get(self) -> CrmConnection | None:
        async with self.uow() as uow:
            return await uow.connection.get()

    async def configure(self, settings: ConnectionSettings) -> CrmConnection:
        """Save where the CRM is and how to sign in; the connection must be tested
        (again) before it can be enabled. Refused while the connection is enabled."""
        async with self.uow() as uow:
            current = await uow.connection.get()
            if current is not None and current.is_enabled:
                raise ValidationFailed.single(
                    None,
                    "disable the connection before changing its settings (disableConnection keeps all data)",
                    ErrorCode.INVALID_STATE,
                )
            cleaned = clean_settings(
                settings, has_stored_secret=current is not None and current.has_client_secret
            )
            values: dict[str, Any] = {
                "server_url": cleaned.server_url,
                "tenant_id": cleaned.tenant_id,
                "client_id": cleaned.client_id,
                "authority_url": cleaned.authority_url,
                "integration_user": cleaned.integration_user,
                "integration_user_id": None,
                "has_client_secret": True,
                "status": ConnectionStatus.CONFIGURED,
                "last_error": None,
            }
            connection = current.with_changes(**values) if current else CrmConnection(**values)
            await uow.connection.save(connection, client_secret=cleaned.client_secret)
        await self.crm.reset()
        log.info("CRM connection configured for %s", connection.server_url)
        return connection

    async def test(self) -> CrmConnection:
        """Sign in, WhoAmI, read the CRM's version and installed solutions, check the
        integration user; record the outcome, time and, on failure, why."""
        async with self.uow() as uow:
            connection = await require_connection(uow)
            credentials = await uow.connection.credentials()
            couplings = await uow.connection.coupling_count()
        if credentials is None:
            raise ValidationFailed.single(None, "no client secret is stored", ErrorCode.NOT_CONFIGURED)
        found: dict[str, Any] = {}
        error: str | None = None
        try:
            async with self.crm.connect(credentials) as crm:
                me = await crm.who_am_i()
                known = connection.organization_id
                if couplings and known is not None and me.organization_id != known:
                    raise CheckFailed(
                        f"{connection.server_url} is another Dynamics 365 organization "
                        f"({me.organization_id}) than the one Couplet's {couplings} "
                        f"{'coupling belongs' if couplings == 1 else 'couplings belong'} to "
                        f"({known}): point the connection back at that organization, or uncouple "
                        "every mapping first (uncoupleRecords with all: true)"
                    )
                found["organization_id"] = me.organization_id
                found["crm_version"] = await crm.version()
                ours = [
                    s for s in await crm.installed_solutions() if s.unique_name.lower() == UNIQUE_NAME.lower()
                ]
                found["solution_installed"] = bool(ours)
                found["solution_version"] = ours[0].version if ours else None
                user = await check_integration_user(
                    crm,
                    connection.integration_user,
                    me,
                    client_id=credentials.client_id,
                    solution_installed=bool(ours),
                )
                found["integration_user_id"] = user.id
        except CrmError as failure:
            error = explain(failure, credentials)
        except CheckFailed as failure:
            error = failure.message
        async with self.uow() as uow:
            current = await require_connection(uow)
            status = current.settled_status() if error is None else ConnectionStatus.ERROR
            tested = current.with_changes(
                **found, status=status, last_tested_at=self.clock.now(), last_error=error
            )
            await uow.connection.save(tested)
        log.info("CRM connection test: %s%s", status.value, f" ({error})" if error else "")
        return tested

    async def import_solution(self, admin: AdminCredentials) -> CrmConnection:
        """Import Couplet's solution with an admin app used for this call only, and
        give the integration user Couplet's integration roles."""
        return await solution_import.import_solution(self, admin)

    async def enable(self, options: EnableOptions) -> CrmConnection:
        """Check the currency, seed the chosen mappings, switch on item availability
        and sales order integration as asked, and switch sync on."""
        return await enabling.enable(self, options)

    async def disable(self) -> CrmConnection:
        """Switch sync off (schedules stop); couplings, mappings and keys stay."""
        async with self.uow() as uow:
            connection = await require_connection(uow)
            status = ConnectionStatus.DISABLED if connection.is_enabled else connection.status
            disabled = connection.with_changes(is_enabled=False, status=status)
            await uow.connection.save(disabled)
        log.info("CRM connection disabled")
        return disabled

    async def rotate_webhook_key(self) -> str:
        """A new key for Dataverse webhooks, returned this once (the previous one
        stops working). Refused until the connection is configured."""
        key = secrets.token_urlsafe(32)
        async with self.uow() as uow:
            if await uow.connection.get() is None:
                raise ValidationFailed.single(
                    None, "configure the CRM connection first", ErrorCode.NOT_CONFIGURED
                )
            await uow.connection.set_webhook_key(key)
        return key

    async def webhook_caller(self, given: str | None) -> WebhookCaller:
        """Whether a webhook call carries the current key (compared in constant
        time), and the integration user whose own changes are its echo."""
        expected, integration_user = await self.state.webhook_check()
        if expected is None or not given:
            return WebhookCaller(authorized=False, integration_user_id=None)
        return WebhookCaller(
            authorized=hmac.compare_digest(given.encode(), expected.encode()),
            integration_user_id=integration_user,
        )


@dataclass(frozen=True, slots=True)
class WebhookCaller:
    """What `webhook_caller` found out about a webhook call."""

    authorized: bool
    integration_user_id: UUID | None
