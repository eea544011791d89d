"""disableConnection: sync stops (schedules skip while it is off); every mapping,
coupling and key stays, so enabling again picks up where it left off."""

from __future__ import annotations

from adapters.db.repositories.connection import connection_enabled
from api.bootstrap import Services
from tests.e2e.connection.support import (
    DISABLE,
    TEST,
    Dataverse,
    configured,
    connected,
    enabled,
    local_currency,
    with_solution,
)
from tests.support.graphql import GraphQLClient

MAPPINGS = "{ tableMappings { name enabled } }"


async def test_disabling_switches_sync_off_and_keeps_the_mappings(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    await enabled(admin, mappings=["SALESPEOPLE", "CURRENCY"])
    result = (await admin.mutate(DISABLE))["connection"]
    assert (result["status"], result["isEnabled"]) == ("DISABLED", False)
    assert result["enabledMappings"] == ["SALESPEOPLE", "CURRENCY"]
    mappings = (await admin.data(MAPPINGS))["tableMappings"]
    assert sorted(m["name"] for m in mappings if m["enabled"]) == ["CURRENCY", "SALESPEOPLE"]


async def test_disabling_keeps_the_availability_key_working(
    admin: GraphQLClient, dataverse: Dataverse, gql: GraphQLClient
) -> None:
    await with_solution(admin, dataverse)
    await local_currency(admin)
    await enabled(admin, itemAvailability=True)
    await admin.mutate(DISABLE)
    key = (dataverse.simulator.rows("couplet_connection")[0])["couplet_accesskey"]
    assert (await gql.with_key(key).data('{ priceList(code: "RETAIL") { code } }')) == {"priceList": None}


async def test_schedulers_see_the_switch(
    admin: GraphQLClient, dataverse: Dataverse, container: Services
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    assert await connection_enabled(container.db) is False
    await enabled(admin)
    assert await connection_enabled(container.db) is True
    await admin.mutate(DISABLE)
    assert await connection_enabled(container.db) is False


async def test_a_disabled_connection_passes_its_test_as_disabled_and_can_be_enabled_again(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    await enabled(admin)
    await admin.mutate(DISABLE)
    assert (await admin.mutate(TEST))["connection"]["status"] == "DISABLED"
    assert (await enabled(admin))["status"] == "ENABLED"


async def test_a_disabled_connection_can_be_reconfigured(admin: GraphQLClient, dataverse: Dataverse) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    await enabled(admin)
    await admin.mutate(DISABLE)
    assert (await configured(admin, dataverse, clientSecret=None))["status"] == "CONFIGURED"


async def test_disabling_before_configuring_is_refused(admin: GraphQLClient, dataverse: Dataverse) -> None:
    errors = await admin.refused(DISABLE)
    assert [e["code"] for e in errors] == ["NOT_CONFIGURED"]
