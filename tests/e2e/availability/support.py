"""Readable Financials for the sales-line tests, written through the API, and
couplings written straight into the store (no CRM needed to couple a product)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from adapters.db.models import CouplingRow
from adapters.db.models.financials import Customer, Item, Resource
from api.bootstrap import Services
from domain.mappings.service import seed_mappings
from tests.support.erp import upsert
from tests.support.graphql import GraphQLClient

CHAIR_PRODUCT = uuid.UUID("5e1f0000-0000-4000-8000-000000001000")
DESK_PRODUCT = uuid.UUID("5e1f0000-0000-4000-8000-000000001001")
ROOM_PRODUCT = uuid.UUID("5e1f0000-0000-4000-8000-0000000000a1")
ADATUM_ACCOUNT = uuid.UUID("acc00000-0000-4000-8000-000000010000")

AVAILABILITY = (
    "query($l: [AvailabilityLineInput!]!) { itemAvailability(lines: $l) { itemNo crmProductId unitOfMeasure "
    "locationCode inventory quantityOnSalesOrders available requestedQuantity isSufficient asOf "
    "error { code field message } } }"
)
PRICES = (
    "query($i: SalesLinePricesInput!) { salesLinePrices(input: $i) { itemNo resourceNo crmProductId "
    "unitOfMeasure quantity unitPrice lineAmount currencyCode error { code field message } "
    "source { kind description priceId salesType salesCode currencyCode startingDate minimumQuantity "
    "converted exchangeRate originalUnitPrice originalCurrencyCode } } }"
)
JOURNAL = (
    "mutation($i: ItemJournalInput!) { p: postItemJournal(input: $i) { entries { entryNo } "
    "userErrors { field message code } } }"
)


async def catalog(gql: GraphQLClient) -> None:
    """Units PCS and BOX (12 PCS); items 1000 Oslo Chair (120 DKK) and 1001 Desk (300 DKK);
    resource R-INSTALL (50 DKK/hour); locations BLUE and RED; DKK local, EUR 7.46."""
    for unit in ("PCS", "BOX", "HOUR", "PALLET"):
        await upsert(gql, "UnitOfMeasure", {"code": unit})
    await upsert(gql, "Currency", {"code": "DKK", "description": "Danish krone", "isLocal": True})
    await upsert(gql, "Currency", {"code": "EUR", "description": "Euro", "exchangeRate": "7.46"})
    await upsert(gql, "Currency", {"code": "USD", "description": "US dollar", "exchangeRate": "6.5"})
    for code in ("BLUE", "RED"):
        await upsert(gql, "Location", {"code": code})
    boxes = [{"code": "PCS", "qtyPerUnit": "1"}, {"code": "BOX", "qtyPerUnit": "12"}]
    await upsert(
        gql,
        "Item",
        {
            "no": "1000",
            "description": "Oslo Chair",
            "baseUnitOfMeasure": "PCS",
            "unitPrice": "120",
            "unitsOfMeasure": boxes,
        },
    )
    await upsert(
        gql, "Item", {"no": "1001", "description": "Desk", "baseUnitOfMeasure": "PCS", "unitPrice": "300"}
    )
    await upsert(
        gql,
        "Resource",
        {"no": "R-INSTALL", "name": "Installation", "baseUnitOfMeasure": "HOUR", "unitPrice": "50"},
    )
    await upsert(gql, "CustomerPriceGroup", {"code": "RETAIL", "description": "Retail"})
    await upsert(
        gql, "Customer", {"no": "C10000", "name": "Adatum Corporation", "customerPriceGroup": "RETAIL"}
    )
    await upsert(gql, "Customer", {"no": "C20000", "name": "Trey Research", "currencyCode": "EUR"})


async def post(gql: GraphQLClient, *lines: dict[str, Any]) -> None:
    await gql.mutate(JOURNAL, {"i": {"lines": list(lines)}})


async def order(gql: GraphQLClient, no: str, *lines: dict[str, Any], status: str = "OPEN") -> None:
    values = {"no": no, "sellToCustomerNo": "C10000", "lines": [{"type": "ITEM", **line} for line in lines]}
    await upsert(gql, "SalesOrder", values)
    if status != "OPEN":
        await upsert(gql, "SalesOrder", {"no": no, "sellToCustomerNo": "C10000", "status": status})


async def price(gql: GraphQLClient, **values: Any) -> str:
    return str((await upsert(gql, "SalesPrice", values))["id"])


async def couple(container: Services, mapping: str, model: Any, no: str, crm_id: uuid.UUID) -> None:
    async with container.uow() as uow:
        await seed_mappings(uow.mappings, None)
    now = datetime.now(UTC)
    async with container.db.transaction() as session:
        erp_id = (await session.execute(sa.select(model.id).where(model.no == no))).scalar_one()
        await session.execute(
            sa.insert(CouplingRow).values(
                id=uuid.uuid4(),
                mapping_name=mapping,
                erp_id=erp_id,
                crm_id=crm_id,
                created_at=now,
                modified_at=now,
            )
        )


async def couple_products(container: Services) -> None:
    await couple(container, "ITEM-PRODUCT", Item, "1000", CHAIR_PRODUCT)
    await couple(container, "RESOURCE-PRODUCT", Resource, "R-INSTALL", ROOM_PRODUCT)
    await couple(container, "CUSTOMER", Customer, "C10000", ADATUM_ACCOUNT)
