"""Sales orders submitted in the CRM become ERP sales orders, with their lines."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from adapters.dataverse.simulator import DataverseSimulator
from api.bootstrap import Services
from domain.auth import Role
from domain.crm import Lookup
from tests.e2e.sync_support import run
from tests.e2e.test_full_sync import given_crm, given_erp
from tests.support.erp import seed_mappings, upsert
from tests.support.graphql import GraphQLClient

SUBMITTED, ACTIVE = 1, 0
ORDERS = (
    "{ salesOrders(first: 10) { nodes { no sellToCustomerNo currencyCode yourReference externalDocumentNo "
    "lines { type no unitOfMeasure quantity unitPrice lineDiscount } coupling { crmId } } } }"
)


@pytest.fixture
async def synced(
    gql: GraphQLClient, keys: dict[Role, str], crm: DataverseSimulator, container: Services
) -> GraphQLClient:
    """Customers, items and a resource coupled by a full sync; order integration on."""
    admin = gql.with_key(keys[Role.ADMIN])
    await seed_mappings(admin)
    await given_erp(gql)
    await upsert(gql, "UnitOfMeasure", {"code": "HOUR"})
    await upsert(gql, "Resource", {"no": "R1", "name": "Installer", "baseUnitOfMeasure": "HOUR"})
    given_crm(crm)
    await gql.mutate("mutation { p: startFullSync { userErrors { code } } }")
    await container.queue.drain()  # type: ignore[attr-defined]
    for name in ("SALESORDER-ORDER", "SOLINE-ORDERDETAIL"):
        await admin.mutate(
            "mutation($i: UpdateTableMappingInput!) { p: updateTableMapping(input: $i) "
            "{ userErrors { code } } }",
            {"i": {"name": name, "enabled": True}},
        )
    return gql


def crm_id(crm: DataverseSimulator, entity: str, **where: Any) -> uuid.UUID:
    (row,) = [r for r in crm.rows(entity) if all(r.get(k) == v for k, v in where.items())]
    return uuid.UUID(str(row[f"{entity}id"]))


def order(
    crm: DataverseSimulator, account: str, lines: list[dict[str, Any]], *, state: int = SUBMITTED
) -> uuid.UUID:
    order_id = crm.add_row(
        "salesorder",
        {
            "name": "PO-77",
            "ordernumber": "ORD-01001",
            "customerid": Lookup("account", crm_id(crm, "account", name=account)),
            "statecode": state,
        },
    )
    for position, line in enumerate(lines, start=1):
        crm.add_row(
            "salesorderdetail",
            {"salesorderid": Lookup("salesorder", order_id), "sequencenumber": position, **line},
        )
    return order_id


def product(crm: DataverseSimulator, number: str) -> Lookup:
    return Lookup("product", crm_id(crm, "product", productnumber=number))


def uom(crm: DataverseSimulator, number: str, unit: str) -> Lookup:
    schedule = crm.row("product", product(crm, number).id)
    assert schedule is not None
    return Lookup("uom", crm_id(crm, "uom", name=unit, uomscheduleid=schedule["defaultuomscheduleid"]))


async def erp_orders(gql: GraphQLClient) -> list[dict[str, Any]]:
    return list((await gql.data(ORDERS))["salesOrders"]["nodes"])


async def test_a_submitted_order_becomes_an_erp_order_with_item_and_resource_lines(
    synced: GraphQLClient, crm: DataverseSimulator, container: Services
) -> None:
    order_id = order(
        crm,
        "Adatum Corporation",
        [
            {
                "productid": product(crm, "1000"),
                "uomid": uom(crm, "1000", "BOX"),
                "quantity": Decimal(2),
                "priceperunit": Decimal(700),
                "manualdiscountamount": Decimal(50),
            },
            {"productid": product(crm, "R1"), "quantity": Decimal("3.5")},
        ],
    )

    (job,) = await run(synced, container, "SALESORDER-ORDER")

    assert (job["status"], job["inserted"], job["failed"]) == ("SUCCEEDED", 1, 0), job
    (erp,) = await erp_orders(synced)
    assert (erp["sellToCustomerNo"], erp["yourReference"], erp["externalDocumentNo"]) == (
        "C1",
        "ORD-01001",
        "PO-77",
    )
    assert erp["coupling"]["crmId"] == str(order_id)
    assert [
        (
            line["type"],
            line["no"],
            line["unitOfMeasure"],
            line["quantity"],
            line["unitPrice"],
            line["lineDiscount"],
        )
        for line in erp["lines"]
    ] == [
        ("ITEM", "1000", "BOX", "2", "700", "50"),
        ("RESOURCE", "R1", "HOUR", "3.5", "0", "0"),  # no price on the line: the resource's
    ]
    again = await run(synced, container, "SALESORDER-ORDER")
    assert again[0]["inserted"] == 0
    assert len(await erp_orders(synced)) == 1


async def test_an_order_waits_for_its_products_coupling_and_is_created_when_it_appears(
    synced: GraphQLClient, crm: DataverseSimulator, container: Services
) -> None:
    await upsert(synced, "Item", {"no": "1001", "description": "Oslo Stool", "baseUnitOfMeasure": "PCS"})
    new_product = crm.add_row(
        "product", {"name": "Oslo Stool", "productnumber": "1001", "producttypecode": 1}
    )
    order(crm, "Adatum Corporation", [{"productid": Lookup("product", new_product), "quantity": Decimal(1)}])

    (job,) = await run(synced, container, "SALESORDER-ORDER")

    assert (job["failed"], job["inserted"]) == (1, 0), job
    (error,) = job["errors"]["nodes"]
    assert error["errorClass"] == "DEPENDENCY"
    assert "ITEM-PRODUCT" in error["message"]
    assert await erp_orders(synced) == []

    await synced.mutate(
        "mutation($i: CoupleRecordsInput!) { p: coupleRecords(input: $i) { userErrors { code } } }",
        {"i": {"mapping": "ITEM-PRODUCT", "erpKey": "1001", "crmId": str(new_product)}},
    )
    await container.queue.drain()  # type: ignore[attr-defined]
    (erp,) = await erp_orders(synced)
    assert [(line["no"], line["unitOfMeasure"]) for line in erp["lines"]] == [("1001", "PCS")]


async def test_a_write_in_product_line_refuses_the_order_and_says_why(
    synced: GraphQLClient, crm: DataverseSimulator, container: Services
) -> None:
    order(
        crm,
        "Adatum Corporation",
        [
            {"productid": product(crm, "1000"), "quantity": Decimal(1)},
            {"productdescription": "Gift wrapping", "quantity": Decimal(1), "isproductoverridden": True},
        ],
    )

    (job,) = await run(synced, container, "SALESORDER-ORDER")

    (error,) = job["errors"]["nodes"]
    assert error["errorClass"] == "PERMANENT"
    assert "line 2 is a write-in product (Gift wrapping)" in error["message"]
    assert await erp_orders(synced) == []


async def test_orders_not_submitted_stay_in_the_crm(
    synced: GraphQLClient, crm: DataverseSimulator, container: Services
) -> None:
    order(
        crm, "Adatum Corporation", [{"productid": product(crm, "1000"), "quantity": Decimal(1)}], state=ACTIVE
    )
    (job,) = await run(synced, container, "SALESORDER-ORDER")
    assert (job["inserted"], job["failed"]) == (0, 0)
    assert await erp_orders(synced) == []
