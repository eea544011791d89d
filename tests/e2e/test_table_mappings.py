"""Table mappings: seeded defaults, validated edits, resets (ADMIN)."""

from __future__ import annotations

import pytest

from domain.auth import Role
from domain.mappings.defaults import DEFAULT_MAPPINGS
from tests.support.graphql import GraphQLClient, error_codes

RESET = (
    "mutation($i: ResetTableMappingsInput!) { p: resetTableMappings(input: $i) { tableMappings { name } "
    "userErrors { field message code } } }"
)
UPDATE = (
    "mutation($i: UpdateTableMappingInput!) { p: updateTableMapping(input: $i) { tableMapping { name "
    "direction dependsOn erpFilter crmFilter intervalMinutes enabled } userErrors { field message code } } }"
)


@pytest.fixture
async def admin(gql: GraphQLClient, keys: dict[Role, str]) -> GraphQLClient:
    client = gql.with_key(keys[Role.ADMIN])
    await client.mutate(RESET, {"i": {}})
    return client


async def test_reset_seeds_every_default_mapping_with_its_fields(admin: GraphQLClient) -> None:
    data = await admin.data(
        "{ tableMappings { name erpTable crmEntity direction dependsOn couplingCount "
        "fieldMappings { erpField crmAttribute direction } } }"
    )
    mappings = {m["name"]: m for m in data["tableMappings"]}
    assert set(mappings) == {m.name for m in DEFAULT_MAPPINGS}
    customer = mappings["CUSTOMER"]
    assert (customer["erpTable"], customer["crmEntity"], customer["direction"]) == (
        "customer",
        "account",
        "BIDIRECTIONAL",
    )
    assert customer["dependsOn"] == [
        "SALESPEOPLE",
        "CURRENCY",
        "PAYMENT TERMS",
        "SHIPMENT METHOD",
        "SHIPPING AGENT",
    ]
    assert {"erpField": "name", "crmAttribute": "name", "direction": "BIDIRECTIONAL"} in customer[
        "fieldMappings"
    ]
    assert customer["couplingCount"] == 0


async def test_settings_are_changed_and_kept(admin: GraphQLClient) -> None:
    changed = await admin.mutate(
        UPDATE,
        {
            "i": {
                "name": "CUSTOMER",
                "intervalMinutes": 15,
                "crmFilter": "statecode eq 0 and startswith(name, 'A')",
            }
        },
    )
    assert changed["tableMapping"]["intervalMinutes"] == 15
    read = await admin.data('{ tableMapping(name: "CUSTOMER") { intervalMinutes crmFilter } }')
    assert read["tableMapping"] == {
        "intervalMinutes": 15,
        "crmFilter": "statecode eq 0 and startswith(name, 'A')",
    }


async def test_an_invalid_filter_is_refused_with_the_reason(admin: GraphQLClient) -> None:
    errors = await admin.refused(UPDATE, {"i": {"name": "CUSTOMER", "crmFilter": "statecode = 0"}})
    assert errors == [
        {
            "field": "crmFilter",
            "code": "INVALID_VALUE",
            "message": "invalid filter: unexpected '= 0' at position 10",
        }
    ]


async def test_an_erp_filter_must_name_fields_of_the_erp_table(admin: GraphQLClient) -> None:
    errors = await admin.refused(UPDATE, {"i": {"name": "CUSTOMER", "erpFilter": "colour eq 'red'"}})
    assert errors[0]["message"] == "invalid filter: Customer has no field colour"


async def test_an_option_mapping_cannot_be_bidirectional(admin: GraphQLClient) -> None:
    errors = await admin.refused(UPDATE, {"i": {"name": "PAYMENT TERMS", "direction": "BIDIRECTIONAL"}})
    assert {
        "field": "direction",
        "code": "INVALID_VALUE",
        "message": "option mappings cannot be bidirectional",
    } in errors


async def test_the_direction_must_fit_an_enabled_field_mapping(admin: GraphQLClient) -> None:
    errors = await admin.refused(UPDATE, {"i": {"name": "SALESPEOPLE", "direction": "TO_CRM"}})
    assert errors == [
        {
            "field": "direction",
            "code": "INVALID_VALUE",
            "message": "at least one enabled field mapping must have direction TO_CRM",
        }
    ]


async def test_dependencies_must_exist_and_form_no_cycle(admin: GraphQLClient) -> None:
    unknown = await admin.refused(UPDATE, {"i": {"name": "CUSTOMER", "dependsOn": ["VENDOR"]}})
    assert [(e["field"], e["code"]) for e in unknown] == [("dependsOn", "UNKNOWN_REFERENCE")]
    cycle = await admin.refused(UPDATE, {"i": {"name": "CURRENCY", "dependsOn": ["CUSTOMER"]}})
    assert cycle[0]["code"] == "CYCLE"
    assert "CURRENCY → CUSTOMER → CURRENCY" in cycle[0]["message"]
    kept = await admin.data('{ tableMapping(name: "CURRENCY") { dependsOn } }')
    assert kept["tableMapping"]["dependsOn"] == []


async def test_resetting_one_mapping_restores_its_defaults(admin: GraphQLClient) -> None:
    await admin.mutate(UPDATE, {"i": {"name": "CONTACT", "intervalMinutes": 60, "enabled": False}})
    await admin.mutate(RESET, {"i": {"names": ["CONTACT"]}})
    read = await admin.data('{ tableMapping(name: "CONTACT") { intervalMinutes enabled } }')
    assert read["tableMapping"] == {"intervalMinutes": 5, "enabled": True}


async def test_a_field_mapping_can_be_enabled(admin: GraphQLClient) -> None:
    payload = await admin.mutate(
        'mutation { p: updateFieldMapping(input: {mapping: "SALESPEOPLE", position: 3, enabled: true}) '
        "{ tableMapping { fieldMappings { position erpField enabled } } userErrors { code } } }"
    )
    assert {"position": 3, "erpField": "job_title", "enabled": True} in payload["tableMapping"][
        "fieldMappings"
    ]


async def test_an_integration_key_reads_but_cannot_change_mappings(
    admin: GraphQLClient, gql: GraphQLClient
) -> None:
    assert (await gql.data("{ tableMappings { name } }"))["tableMappings"]
    body = await gql.execute(UPDATE, {"i": {"name": "CUSTOMER", "intervalMinutes": 1}})
    assert error_codes(body) == ["FORBIDDEN"]
