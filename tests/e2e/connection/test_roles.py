"""Connection setup is for ADMIN keys only: the INTEGRATION and AVAILABILITY
keys are refused, and so is a request without a key."""

from __future__ import annotations

import pytest

from domain.auth import Role
from tests.e2e.connection.support import CONFIGURE, DISABLE, ENABLE, IMPORT, READ, TEST
from tests.support.graphql import GraphQLClient, error_codes

OPERATIONS = {
    "connection": (READ, {}),
    "configureConnection": (
        CONFIGURE,
        {"i": {"serverUrl": "https://contoso.crm4.dynamics.com", "tenantId": "contoso", "clientId": "c"}},
    ),
    "testConnection": (TEST, {}),
    "importCrmSolution": (IMPORT, {"i": {"clientId": "admin", "clientSecret": "s"}}),
    "enableConnection": (ENABLE, {"i": {}}),
    "disableConnection": (DISABLE, {}),
}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize(
    ("role", "code"),
    [(Role.INTEGRATION, "FORBIDDEN"), (Role.AVAILABILITY, "FORBIDDEN"), (None, "UNAUTHENTICATED")],
)
async def test_only_admin_keys_may_set_up_the_connection(
    gql: GraphQLClient, keys: dict[Role, str], operation: str, role: Role | None, code: str
) -> None:
    query, variables = OPERATIONS[operation]
    body = await gql.with_key(keys[role] if role else None).execute(query, variables)
    assert error_codes(body) == [code]
