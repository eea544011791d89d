"""The setup steps as GraphQL calls, and the simulated CRM they run against."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from adapters.dataverse import DataverseClient, DataverseConfig
from adapters.dataverse.simulator import DEFAULT_TENANT, DataverseSimulator
from domain.crm_admin import CrmClient
from tests.support.graphql import GraphQLClient

INTEGRATION_APP = ("couplet-sync", "integration-s3cret-Qx7")
ADMIN_APP = ("contoso-admin", "admin-s3cret-Zk4")
INTEGRATION_EMAIL = "couplet@contoso.example"

CONNECTION = (
    "serverUrl tenantId clientId authorityUrl hasClientSecret integrationUser integrationUserId isEnabled "
    "status lastTestedAt lastError crmVersion organizationId solutionInstalled solutionVersion "
    "enabledMappings itemAvailabilityEnabled salesOrderIntegrationEnabled salesOrderUser salesOrderUserId"
)
PAYLOAD = f"{{ connection {{ {CONNECTION} }} userErrors {{ field message code }} }}"
CONFIGURE = f"mutation($i: ConfigureConnectionInput!) {{ p: configureConnection(input: $i) {PAYLOAD} }}"
TEST = f"mutation {{ p: testConnection {PAYLOAD} }}"
IMPORT = f"mutation($i: AdminCredentialsInput!) {{ p: importCrmSolution(input: $i) {PAYLOAD} }}"
ENABLE = f"mutation($i: EnableConnectionInput!) {{ p: enableConnection(input: $i) {PAYLOAD} }}"
DISABLE = f"mutation {{ p: disableConnection {PAYLOAD} }}"
READ = f"{{ connection {{ {CONNECTION} }} }}"


@dataclass
class Dataverse:
    """A simulated org with two app registrations: Couplet's integration app (no
    roles) and an admin app whose user holds System Administrator."""

    simulator: DataverseSimulator
    url: str
    integration_user: UUID
    admin_user: UUID

    def settings(self, **changes: Any) -> dict[str, Any]:
        """ConfigureConnectionInput for the integration app."""
        client_id, secret = INTEGRATION_APP
        return {
            "serverUrl": self.url,
            "tenantId": DEFAULT_TENANT,
            "clientId": client_id,
            "clientSecret": secret,
            "authorityUrl": self.url,
            **changes,
        }

    def admin_credentials(self, **changes: Any) -> dict[str, Any]:
        client_id, secret = ADMIN_APP
        return {"clientId": client_id, "clientSecret": secret, **changes}

    @asynccontextmanager
    async def client(self, app: tuple[str, str] = ADMIN_APP) -> AsyncIterator[CrmClient]:
        """A CRM client of its own (what someone other than Couplet does in the org)."""
        client_id, secret = app
        config = DataverseConfig(self.url, DEFAULT_TENANT, client_id, secret, authority_url=self.url)
        async with DataverseClient(config) as crm:
            yield crm

    async def role_names(self, user: UUID) -> set[str]:
        async with self.client() as crm:
            (found,) = await crm.system_users(filter=f"systemuserid eq {user}")
        return {role.name for role in found.roles}


async def connection(admin: GraphQLClient) -> dict[str, Any] | None:
    data = await admin.data(READ)
    return data["connection"]


async def configured(admin: GraphQLClient, crm: Dataverse, **changes: Any) -> dict[str, Any]:
    return dict((await admin.mutate(CONFIGURE, {"i": crm.settings(**changes)}))["connection"])


async def connected(admin: GraphQLClient, crm: Dataverse, **changes: Any) -> dict[str, Any]:
    """Configured and connected; the test must pass."""
    await configured(admin, crm, **changes)
    result = dict((await admin.mutate(TEST))["connection"])
    assert result["status"] == "CONNECTED", result["lastError"]
    return result


async def with_solution(admin: GraphQLClient, crm: Dataverse) -> dict[str, Any]:
    """Tested, with Couplet's solution imported."""
    await connected(admin, crm)
    return dict((await admin.mutate(IMPORT, {"i": crm.admin_credentials()}))["connection"])


async def local_currency(admin: GraphQLClient, code: str = "DKK") -> None:
    await admin.mutate(
        "mutation($i: CurrencyInput!) { p: upsertCurrency(input: $i) { userErrors { field message code } } }",
        {"i": {"code": code, "description": f"{code} (local)", "isLocal": True}},
    )


async def enabled(admin: GraphQLClient, **options: Any) -> dict[str, Any]:
    return dict((await admin.mutate(ENABLE, {"i": options}))["connection"])
