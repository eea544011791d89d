"""A fresh simulated CRM per test with Couplet's two app registrations, and an
ADMIN client; setup itself is driven through GraphQL by each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.db.engine import Database
from domain.auth import Role
from tests.e2e.connection.support import ADMIN_APP, INTEGRATION_APP, INTEGRATION_EMAIL, Dataverse
from tests.support.graphql import GraphQLClient
from tests.support.simulator import SwitchableApp, plugged_simulator


@pytest.fixture
async def dataverse(crm_server: tuple[str, SwitchableApp], database: Database) -> AsyncIterator[Dataverse]:
    url, app = crm_server
    async with plugged_simulator(app) as simulator:
        integration_user = simulator.register_app(
            *INTEGRATION_APP,
            full_name="Couplet Integration",
            user_fields={"internalemailaddress": INTEGRATION_EMAIL},
        )
        admin_user = simulator.register_app(
            *ADMIN_APP, full_name="Contoso Admin", roles=["System Administrator"]
        )
        yield Dataverse(simulator, url, integration_user, admin_user)


@pytest.fixture
def admin(gql: GraphQLClient, keys: dict[Role, str]) -> GraphQLClient:
    return gql.with_key(keys[Role.ADMIN])
