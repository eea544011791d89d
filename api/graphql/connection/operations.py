"""The `connection` query and the setup mutations: configure → test → import the
solution → enable; disable. Each calls `ConnectionService` (shared with `couplet setup`)."""

from __future__ import annotations

from collections.abc import Awaitable

import strawberry

from api.auth import requires
from api.context import Info
from api.graphql.common import user_errors
from api.graphql.connection.types import (
    AdminCredentialsInput,
    ConfigureConnectionInput,
    ConnectionPayload,
    CrmConnection,
    EnableConnectionInput,
)
from domain.auth import Role
from domain.connection.model import AdminCredentials, ConnectionSettings, EnableOptions
from domain.connection.model import CrmConnection as CrmConnectionModel
from domain.errors import ValidationFailed


async def _payload(step: Awaitable[CrmConnectionModel]) -> ConnectionPayload:
    try:
        return ConnectionPayload(connection=CrmConnection.of(await step))
    except ValidationFailed as failed:
        return ConnectionPayload(user_errors=user_errors(failed))


@strawberry.type
class ConnectionQuery:
    @strawberry.field(
        extensions=requires(Role.ADMIN), description="The CRM connection; null until configured"
    )
    async def connection(self, info: Info) -> CrmConnection | None:
        connection = await info.context.services.connection.get()
        return None if connection is None else CrmConnection.of(connection)


@strawberry.type
class ConnectionMutation:
    @strawberry.mutation(
        extensions=requires(Role.ADMIN), description="Save the CRM's URL and sign-in; refused while enabled"
    )
    async def configure_connection(self, info: Info, input: ConfigureConnectionInput) -> ConnectionPayload:
        settings = ConnectionSettings(
            server_url=input.server_url,
            tenant_id=input.tenant_id,
            client_id=input.client_id,
            client_secret=input.client_secret,
            authority_url=input.authority_url,
            integration_user=input.integration_user,
        )
        return await _payload(info.context.services.connection.configure(settings))

    @strawberry.mutation(
        extensions=requires(Role.ADMIN),
        description="WhoAmI, CRM version, integration-user checks; records the outcome (status, lastError)",
    )
    async def test_connection(self, info: Info) -> ConnectionPayload:
        return await _payload(info.context.services.connection.test())

    @strawberry.mutation(
        extensions=requires(Role.ADMIN),
        description="Import Couplet's solution with admin credentials used once; assign integration roles",
    )
    async def import_crm_solution(self, info: Info, input: AdminCredentialsInput) -> ConnectionPayload:
        admin = AdminCredentials(
            client_id=input.client_id,
            client_secret=input.client_secret,
            tenant_id=input.tenant_id,
            authority_url=input.authority_url,
        )
        return await _payload(info.context.services.connection.import_solution(admin))

    @strawberry.mutation(
        extensions=requires(Role.ADMIN),
        description="Check the currency, seed the chosen mappings, switch on availability and sales orders",
    )
    async def enable_connection(self, info: Info, input: EnableConnectionInput) -> ConnectionPayload:
        options = EnableOptions(
            mappings=None if input.mappings is None else tuple(input.mappings),
            item_availability=input.item_availability,
            sales_order_integration=input.sales_order_integration,
            sales_order_user=input.sales_order_user,
        )
        return await _payload(info.context.services.connection.enable(options))

    @strawberry.mutation(
        extensions=requires(Role.ADMIN), description="Switch sync off; couplings, mappings and keys are kept"
    )
    async def disable_connection(self, info: Info) -> ConnectionPayload:
        return await _payload(info.context.services.connection.disable())
