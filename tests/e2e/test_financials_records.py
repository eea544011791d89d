"""Every Financials table can be created, read by key, listed and deleted
through GraphQL, and every write leaves `modifiedAt` telling the truth."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.db.models import Tombstone
from api.bootstrap import Services
from tests.support.graphql import GraphQLClient

UNIT = ("upsertUnitOfMeasure", "UnitOfMeasureInput", {"code": "PCS", "description": "Piece"})
ITEM = (
    "upsertItem",
    "ItemInput",
    {"no": "1000", "description": "Oslo Chair", "baseUnitOfMeasure": "PCS", "unitPrice": "120.5"},
)
CUSTOMER = ("upsertCustomer", "CustomerInput", {"no": "C10000", "name": "Adatum Corporation"})

# (query field, key argument, key value, delete mutation, prerequisites, upsert)
CASES: list[
    tuple[str, str, str, str, list[tuple[str, str, dict[str, Any]]], tuple[str, str, dict[str, Any]]]
] = [
    (
        "currency",
        "code",
        "EUR",
        "deleteCurrency",
        [],
        ("upsertCurrency", "CurrencyInput", {"code": "EUR", "description": "Euro", "exchangeRate": "7.46"}),
    ),
    ("unitOfMeasure", "code", "PCS", "deleteUnitOfMeasure", [], UNIT),
    (
        "salesperson",
        "code",
        "JO",
        "deleteSalesperson",
        [],
        (
            "upsertSalesperson",
            "SalespersonInput",
            {"code": "JO", "name": "Jim Olive", "email": "jim@cronus.example"},
        ),
    ),
    (
        "paymentTerm",
        "code",
        "30 DAYS",
        "deletePaymentTerms",
        [],
        ("upsertPaymentTerms", "PaymentTermsInput", {"code": "30 DAYS", "description": "Net 30 days"}),
    ),
    (
        "shipmentMethod",
        "code",
        "EXW",
        "deleteShipmentMethod",
        [],
        ("upsertShipmentMethod", "ShipmentMethodInput", {"code": "EXW", "description": "Ex Warehouse"}),
    ),
    (
        "shippingAgent",
        "code",
        "DHL",
        "deleteShippingAgent",
        [],
        ("upsertShippingAgent", "ShippingAgentInput", {"code": "DHL", "description": "DHL Express"}),
    ),
    (
        "customerPriceGroup",
        "code",
        "RETAIL",
        "deleteCustomerPriceGroup",
        [],
        ("upsertCustomerPriceGroup", "CustomerPriceGroupInput", {"code": "RETAIL", "description": "Retail"}),
    ),
    (
        "location",
        "code",
        "MAIN",
        "deleteLocation",
        [],
        ("upsertLocation", "LocationInput", {"code": "MAIN", "name": "Main warehouse"}),
    ),
    ("customer", "no", "C10000", "deleteCustomer", [], CUSTOMER),
    (
        "contact",
        "no",
        "CT100",
        "deleteContact",
        [CUSTOMER],
        (
            "upsertContact",
            "ContactInput",
            {"no": "CT100", "firstName": "Anna", "lastName": "Hansen", "companyNo": "C10000"},
        ),
    ),
    ("item", "no", "1000", "deleteItem", [UNIT], ITEM),
    (
        "resource",
        "no",
        "R-CONSULT",
        "deleteResource",
        [("upsertUnitOfMeasure", "UnitOfMeasureInput", {"code": "HOUR"})],
        (
            "upsertResource",
            "ResourceInput",
            {"no": "R-CONSULT", "name": "Consulting", "baseUnitOfMeasure": "HOUR"},
        ),
    ),
    (
        "salesOrder",
        "no",
        "SO1001",
        "deleteSalesOrder",
        [CUSTOMER, UNIT, ITEM],
        (
            "upsertSalesOrder",
            "SalesOrderInput",
            {
                "no": "SO1001",
                "sellToCustomerNo": "C10000",
                "lines": [{"type": "ITEM", "no": "1000", "quantity": "2"}],
            },
        ),
    ),
]


async def upsert(
    gql: GraphQLClient, mutation: str, input_type: str, values: dict[str, Any]
) -> dict[str, Any]:
    payload = await gql.mutate(
        f"mutation($input: {input_type}!) {{ r: {mutation}(input: $input) {{ "
        "userErrors { field message code } record: __typename }}",
        {"input": values},
    )
    return payload


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
async def test_a_record_is_created_read_listed_and_deleted(
    gql: GraphQLClient, container: Services, case: tuple[Any, ...]
) -> None:
    field, key_arg, key, delete, prerequisites, (mutation, input_type, values) = case
    for prerequisite in prerequisites:
        await upsert(gql, *prerequisite)
    await upsert(gql, mutation, input_type, values)

    read = await gql.data(f'{{ r: {field}({key_arg}: "{key}") {{ id {key_arg} createdAt modifiedAt }} }}')
    record = read["r"]
    assert record[key_arg] == key
    assert record["createdAt"] == record["modifiedAt"]
    assert record["createdAt"].endswith("+00:00")

    plural = {
        "currency": "currencies",
        "salesperson": "salespeople",
        "paymentTerm": "paymentTerms",
        "unitOfMeasure": "unitsOfMeasure",
    }.get(field, f"{field}s")
    listed = await gql.data(f'{{ l: {plural}(search: "{key[:3].lower()}") {{ totalCount nodes {{ id }} }} }}')
    assert record["id"] in [n["id"] for n in listed["l"]["nodes"]]

    deleted = await gql.mutate(
        f'mutation {{ d: {delete}(input: {{key: "{key}"}}) {{ deletedId userErrors {{ code }} }} }}'
    )
    assert deleted["deletedId"] == record["id"]
    assert (await gql.data(f'{{ r: {field}({key_arg}: "{key}") {{ id }} }}'))["r"] is None
    async with container.db.read() as session:
        query = sa.select(Tombstone.record_key).where(Tombstone.record_id == uuid.UUID(record["id"]))
        tombstones = (await session.execute(query)).scalars().all()
    assert tombstones == [key]


async def test_an_upsert_changes_only_the_given_fields_and_advances_modified_at(gql: GraphQLClient) -> None:
    await upsert(gql, "upsertCustomer", "CustomerInput", {"no": "C10000", "name": "Adatum", "city": "Aarhus"})
    before = (await gql.data('{ customer(no: "C10000") { modifiedAt } }'))["customer"]
    await upsert(gql, "upsertCustomer", "CustomerInput", {"no": "C10000", "phone": "+45 1234"})
    after = (await gql.data('{ customer(no: "C10000") { name city phone modifiedAt } }'))["customer"]
    assert (after["name"], after["city"], after["phone"]) == ("Adatum", "Aarhus", "+45 1234")
    assert after["modifiedAt"] > before["modifiedAt"]


async def test_an_upsert_that_changes_nothing_keeps_modified_at(gql: GraphQLClient) -> None:
    await upsert(gql, *CUSTOMER)
    before = (await gql.data('{ customer(no: "C10000") { modifiedAt } }'))["customer"]["modifiedAt"]
    await upsert(gql, *CUSTOMER)
    assert (await gql.data('{ customer(no: "C10000") { modifiedAt } }'))["customer"]["modifiedAt"] == before


async def test_codes_are_stored_upper_case_and_found_in_any_case(gql: GraphQLClient) -> None:
    await upsert(gql, "upsertSalesperson", "SalespersonInput", {"code": "jo", "name": "Jim Olive"})
    found = await gql.data('{ salesperson(code: "Jo") { code name } }')
    assert found["salesperson"] == {"code": "JO", "name": "Jim Olive"}


async def test_lists_page_with_cursors_and_count_all_matches(gql: GraphQLClient) -> None:
    for code in ("AA", "BB", "CC", "DD", "EE"):
        await upsert(gql, "upsertSalesperson", "SalespersonInput", {"code": code, "name": f"Person {code}"})
    query = (
        "query($after: String) { salespeople(first: 2, after: $after) { totalCount "
        "pageInfo { hasNextPage endCursor } nodes { code } } }"
    )
    seen, after = [], None
    while True:
        page = (await gql.data(query, {"after": after}))["salespeople"]
        assert page["totalCount"] == 5
        seen += [n["code"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["AA", "BB", "CC", "DD", "EE"]


async def test_search_is_case_insensitive_over_key_and_name(gql: GraphQLClient) -> None:
    await upsert(gql, "upsertCustomer", "CustomerInput", {"no": "C1", "name": "Adatum Corporation"})
    await upsert(gql, "upsertCustomer", "CustomerInput", {"no": "C2", "name": "Trey Research"})
    found = await gql.data('{ customers(search: "ADATUM") { nodes { no } } }')
    assert [n["no"] for n in found["customers"]["nodes"]] == ["C1"]
