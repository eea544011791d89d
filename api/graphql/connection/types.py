"""CrmConnection and the inputs of the setup mutations. Secrets go in, never out."""

from __future__ import annotations

import datetime
import uuid

import strawberry

from api.graphql.common import UserError
from domain.connection.model import CrmConnection as CrmConnectionModel


@strawberry.type(
    description="The CRM connection. Secrets are never returned: `hasClientSecret` says one is set."
)
class CrmConnection:
    server_url: str
    tenant_id: str
    client_id: str
    authority_url: str | None
    has_client_secret: bool
    integration_user: str | None = strawberry.field(
        description="As configured (email, domain name or user id); blank: the app's own user"
    )
    integration_user_id: uuid.UUID | None = strawberry.field(description="Found by the last passing test")
    is_enabled: bool
    status: str = strawberry.field(description="CONFIGURED, CONNECTED, ERROR, ENABLED or DISABLED")
    last_tested_at: datetime.datetime | None
    last_error: str | None = strawberry.field(description="Why the last test failed")
    crm_version: str | None
    organization_id: uuid.UUID | None
    solution_installed: bool
    solution_version: str | None
    enabled_mappings: list[str] | None = strawberry.field(description="Chosen at the last enable")
    item_availability_enabled: bool
    sales_order_integration_enabled: bool
    sales_order_user: str | None
    sales_order_user_id: uuid.UUID | None

    @classmethod
    def of(cls, c: CrmConnectionModel) -> CrmConnection:
        return cls(
            server_url=c.server_url,
            tenant_id=c.tenant_id,
            client_id=c.client_id,
            authority_url=c.authority_url,
            has_client_secret=c.has_client_secret,
            integration_user=c.integration_user,
            integration_user_id=c.integration_user_id,
            is_enabled=c.is_enabled,
            status=c.status.value,
            last_tested_at=c.last_tested_at,
            last_error=c.last_error,
            crm_version=c.crm_version,
            organization_id=c.organization_id,
            solution_installed=c.solution_installed,
            solution_version=c.solution_version,
            enabled_mappings=None if c.enabled_mappings is None else list(c.enabled_mappings),
            item_availability_enabled=c.item_availability_enabled,
            sales_order_integration_enabled=c.sales_order_integration_enabled,
            sales_order_user=c.sales_order_user,
            sales_order_user_id=c.sales_order_user_id,
        )


@strawberry.type
class ConnectionPayload:
    connection: CrmConnection | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="Where the CRM is and how Couplet signs in (OAuth 2.0 client credentials)")
class ConfigureConnectionInput:
    server_url: str = strawberry.field(description="https://<org>.crm.dynamics.com (or the simulator's URL)")
    tenant_id: str = strawberry.field(description="Microsoft Entra tenant: a GUID or a domain name")
    client_id: str = strawberry.field(description="The app registration's application (client) id")
    client_secret: str | None = strawberry.field(
        default=None, description="Write-only, stored encrypted; leave it out to keep the stored one"
    )
    authority_url: str | None = strawberry.field(
        default=None,
        description="Token authority; default Microsoft Entra's (https://login.microsoftonline.com)",
    )
    integration_user: str | None = strawberry.field(
        default=None,
        description="Email, domain name or system user id of the app's application user; blank: that user",
    )


@strawberry.input(
    description="An app registration whose application user holds System Administrator, used for this "
    "one call and never stored"
)
class AdminCredentialsInput:
    client_id: str
    client_secret: str
    tenant_id: str | None = strawberry.field(default=None, description="Default: the connection's tenant")
    authority_url: str | None = strawberry.field(
        default=None, description="Default: the connection's authority"
    )


@strawberry.input(description="What to switch on; a field left out keeps the current choice")
class EnableConnectionInput:
    mappings: list[str] | None = strawberry.field(
        default=None,
        description="Default mappings to enable (the rest are disabled). Left out: those enabled now, "
        "or every mapping enabled by default the first time",
    )
    item_availability: bool | None = strawberry.field(
        default=None, description="Issue an AVAILABILITY key for the CRM plugin (needs the solution)"
    )
    sales_order_integration: bool | None = strawberry.field(
        default=None, description="Enable the SALESORDER-ORDER and SOLINE-ORDERDETAIL mappings"
    )
    sales_order_user: str | None = strawberry.field(
        default=None,
        description="CRM user (email, domain name or id) handling sales orders; default: integration user",
    )
