"""enableConnection: the currency check, the chosen mappings, item availability
(an AVAILABILITY key in the CRM's connection row) and sales order integration."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.connection.solution import CONNECTION_ROW_ID
from domain.mappings.defaults import DEFAULT_MAPPINGS
from tests.e2e.connection.support import (
    ENABLE,
    TEST,
    Dataverse,
    configured,
    connected,
    connection,
    enabled,
    local_currency,
    with_solution,
)
from tests.support.graphql import GraphQLClient

ENABLED_BY_DEFAULT = [m.name for m in DEFAULT_MAPPINGS if m.enabled]
MAPPINGS = "{ tableMappings { name enabled fieldMappings { crmAttribute enabled } } }"
KEYS = "{ apiKeys { id name role revokedAt } }"


async def enabled_mappings(admin: GraphQLClient) -> list[str]:
    return [m["name"] for m in (await admin.data(MAPPINGS))["tableMappings"] if m["enabled"]]


async def availability_keys(admin: GraphQLClient, *, besides: set[str] | None = None) -> list[dict[str, Any]]:
    """The plugin's keys, oldest first, leaving out those in `besides` (keys outlive a test)."""
    keys = (await admin.data(KEYS))["apiKeys"]
    return [
        k for k in keys if k["name"] == "CRM item availability plugin" and k["id"] not in (besides or set())
    ]


async def key_ids(admin: GraphQLClient) -> set[str]:
    return {k["id"] for k in (await admin.data(KEYS))["apiKeys"]}


def crm_connection_row(dataverse: Dataverse) -> dict[str, Any]:
    return dataverse.simulator.row("couplet_connection", CONNECTION_ROW_ID) or {}


async def test_enable_seeds_the_default_mappings_and_switches_sync_on(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    result = await enabled(admin)
    assert (result["status"], result["isEnabled"]) == ("ENABLED", True)
    assert result["enabledMappings"] == ENABLED_BY_DEFAULT
    assert sorted(await enabled_mappings(admin)) == sorted(ENABLED_BY_DEFAULT)


async def test_enable_with_chosen_mappings_enables_those_and_disables_the_rest(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    result = await enabled(admin, mappings=["CURRENCY", "SALESPEOPLE"])
    assert result["enabledMappings"] == ["SALESPEOPLE", "CURRENCY"]
    assert sorted(await enabled_mappings(admin)) == ["CURRENCY", "SALESPEOPLE"]


async def test_re_enabling_without_mappings_keeps_the_current_choice(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    await enabled(admin, mappings=["CURRENCY"])
    assert (await enabled(admin))["enabledMappings"] == ["CURRENCY"]


async def test_unknown_mappings_and_missing_dependencies_are_refused(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    errors = await admin.refused(ENABLE, {"i": {"mappings": ["CONTACT", "VENDOR"]}})
    assert errors == [
        {"field": "mappings", "code": "NOT_FOUND", "message": "there is no default mapping 'VENDOR'"},
        {
            "field": "mappings",
            "code": "INVALID_VALUE",
            "message": "CONTACT depends on CUSTOMER, which is not chosen",
        },
    ]
    assert (await connection(admin) or {})["status"] == "CONNECTED"
    assert await enabled_mappings(admin) == []


async def test_enable_needs_a_passing_test(admin: GraphQLClient, dataverse: Dataverse) -> None:
    await configured(admin, dataverse, clientSecret="not-the-secret")
    await admin.mutate(TEST)
    await local_currency(admin)
    errors = await admin.refused(ENABLE, {"i": {}})
    assert errors == [
        {
            "field": None,
            "code": "INVALID_STATE",
            "message": "test the connection first (testConnection) before enabling it; its status is ERROR",
        }
    ]


async def test_enable_needs_a_local_currency_in_the_erp(admin: GraphQLClient, dataverse: Dataverse) -> None:
    await connected(admin, dataverse)
    errors = await admin.refused(ENABLE, {"i": {}})
    assert errors == [
        {
            "field": None,
            "code": "NOT_CONFIGURED",
            "message": "the ERP has no local currency: "
            "mark one with upsertCurrency(input: {code: …, isLocal: true})",
        }
    ]


async def test_enable_needs_the_local_currency_in_the_crm_and_changes_nothing_without_it(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin, "ISK")
    errors = await admin.refused(ENABLE, {"i": {}})
    assert errors == [
        {
            "field": None,
            "code": "UNKNOWN_REFERENCE",
            "message": "the CRM has no currency with ISO code 'ISK', the ERP's local currency: add it in "
            "Dynamics 365 (Settings › Business Management › Currencies) and enable again",
        }
    ]
    assert (await connection(admin) or {})["isEnabled"] is False
    assert await enabled_mappings(admin) == []


async def test_a_local_currency_other_than_the_crms_base_currency_is_enough_when_the_crm_has_it(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    dataverse.simulator.add_row(
        "transactioncurrency",
        {
            "isocurrencycode": "EUR",
            "currencyname": "Euro",
            "currencysymbol": "€",
            "currencyprecision": 2,
            "exchangerate": Decimal("0.134"),
        },
    )
    await connected(admin, dataverse)
    await local_currency(admin, "EUR")
    assert (await enabled(admin))["status"] == "ENABLED"


async def test_item_availability_writes_a_working_key_and_the_endpoint_into_the_crm(
    admin: GraphQLClient, dataverse: Dataverse, gql: GraphQLClient
) -> None:
    await with_solution(admin, dataverse)
    await local_currency(admin)
    result = await enabled(admin, itemAvailability=True)
    assert result["itemAvailabilityEnabled"] is True
    row = crm_connection_row(dataverse)
    assert row["couplet_name"] == "Couplet"
    assert row["couplet_availabilityurl"] == "http://127.0.0.1:8000/graphql"
    key = row["couplet_accesskey"]
    assert (await gql.with_key(key).data('{ priceList(code: "RETAIL") { code } }')) == {"priceList": None}
    listed = (await admin.data("{ apiKeys { name role prefix revokedAt } }"))["apiKeys"]
    live = [
        {"name": k["name"], "role": k["role"]}
        for k in listed
        if k["prefix"] == key[:10] and not k["revokedAt"]
    ]
    assert live == [{"name": "CRM item availability plugin", "role": "AVAILABILITY"}]


async def test_re_enabling_item_availability_revokes_the_previous_key(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    earlier = await key_ids(admin)
    await with_solution(admin, dataverse)
    await local_currency(admin)
    await enabled(admin, itemAvailability=True)
    first_secret = crm_connection_row(dataverse)["couplet_accesskey"]
    await enabled(admin)
    keys = await availability_keys(admin, besides=earlier)
    assert [k["revokedAt"] is not None for k in keys] == [True, False]
    assert crm_connection_row(dataverse)["couplet_accesskey"] != first_secret


async def test_turning_item_availability_off_revokes_the_key_and_empties_the_crm_row(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    earlier = await key_ids(admin)
    await with_solution(admin, dataverse)
    await local_currency(admin)
    await enabled(admin, itemAvailability=True)
    result = await enabled(admin, itemAvailability=False)
    assert result["itemAvailabilityEnabled"] is False
    assert [k["revokedAt"] is not None for k in await availability_keys(admin, besides=earlier)] == [True]
    row = crm_connection_row(dataverse)
    assert (row["couplet_accesskey"], row["couplet_availabilityurl"]) == (None, None)


async def test_item_availability_needs_couplets_solution(admin: GraphQLClient, dataverse: Dataverse) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    errors = await admin.refused(ENABLE, {"i": {"itemAvailability": True}})
    assert errors == [
        {
            "field": "itemAvailability",
            "code": "INVALID_STATE",
            "message": "item availability needs Couplet's solution in the CRM: run importCrmSolution first",
        }
    ]


async def test_enabling_with_the_solution_switches_on_the_erp_number_fields(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await with_solution(admin, dataverse)
    await local_currency(admin)
    await enabled(admin)
    mappings = (await admin.data(MAPPINGS))["tableMappings"]
    assert all(
        f["enabled"] for m in mappings for f in m["fieldMappings"] if f["crmAttribute"] == "couplet_erpnumber"
    )


async def test_sales_order_integration_enables_the_order_mappings_for_the_integration_user(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    result = await enabled(admin, salesOrderIntegration=True)
    assert result["salesOrderIntegrationEnabled"] is True
    assert result["salesOrderUserId"] == str(dataverse.integration_user)
    assert {"SALESORDER-ORDER", "SOLINE-ORDERDETAIL"} <= set(await enabled_mappings(admin))


async def test_sales_order_integration_with_a_named_user(admin: GraphQLClient, dataverse: Dataverse) -> None:
    clerk = dataverse.simulator.add_row(
        "systemuser",
        {
            "firstname": "Annette",
            "lastname": "Hill",
            "domainname": "annette@contoso.example",
            "islicensed": True,
        },
    )
    await connected(admin, dataverse)
    await local_currency(admin)
    result = await enabled(admin, salesOrderIntegration=True, salesOrderUser="annette@contoso.example")
    assert (result["salesOrderUser"], result["salesOrderUserId"]) == ("annette@contoso.example", str(clerk))


async def test_an_unknown_sales_order_user_is_refused(admin: GraphQLClient, dataverse: Dataverse) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    errors = await admin.refused(
        ENABLE, {"i": {"salesOrderIntegration": True, "salesOrderUser": "nobody@contoso.example"}}
    )
    assert errors == [
        {
            "field": "salesOrderUser",
            "code": "NOT_FOUND",
            "message": "no CRM user matches 'nobody@contoso.example' (by email, domain name or user id)",
        }
    ]
    assert (await connection(admin) or {})["isEnabled"] is False


async def test_order_mappings_or_an_order_user_without_sales_order_integration_are_refused(
    admin: GraphQLClient, dataverse: Dataverse
) -> None:
    await connected(admin, dataverse)
    await local_currency(admin)
    errors = await admin.refused(
        ENABLE,
        {"i": {"mappings": [*ENABLED_BY_DEFAULT, "SALESORDER-ORDER"], "salesOrderUser": "x@contoso.example"}},
    )
    assert [(e["field"], e["code"]) for e in errors] == [
        ("mappings", "INVALID_VALUE"),
        ("salesOrderUser", "INVALID_VALUE"),
    ]


async def test_enabling_before_configuring_is_refused(admin: GraphQLClient, dataverse: Dataverse) -> None:
    errors = await admin.refused(ENABLE, {"i": {}})
    assert [e["code"] for e in errors] == ["NOT_CONFIGURED"]
