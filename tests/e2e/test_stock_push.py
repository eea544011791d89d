"""Stock push: inventory reaches the coupled products' quantity on hand."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from adapters.dataverse.simulator import DataverseSimulator
from adapters.db.models import CouplingRow
from adapters.db.models.financials import ItemLedgerEntry
from api.app import create_app
from api.bootstrap import Services, bootstrap
from domain.auth import Role
from tests.e2e.sync_support import finished
from tests.support.erp import local_currency_coupled, seed_mappings, upsert
from tests.support.graphql import GraphQLClient
from tests.support.servers import serve_asgi
from tests.support.waiting import eventually

PUSH = "mutation { p: pushStock { syncJob { id } userErrors { field message code } } }"
JOURNAL = (
    "mutation($i: ItemJournalInput!) { p: postItemJournal(input: $i) { entries { entryNo } "
    "userErrors { field message code } } }"
)


@pytest.fixture
async def integration(gql: GraphQLClient, keys: dict[Role, str], crm: DataverseSimulator) -> GraphQLClient:
    await seed_mappings(gql.with_key(keys[Role.ADMIN]))
    await local_currency_coupled(gql, crm)
    await upsert(gql, "UnitOfMeasure", {"code": "PCS"})
    return gql


async def coupled_item(gql: GraphQLClient, crm: DataverseSimulator, no: str) -> uuid.UUID:
    """An item coupled by hand to a product the CRM already has."""
    await upsert(gql, "Item", {"no": no, "description": f"Item {no}", "baseUnitOfMeasure": "PCS"})
    product = crm.add_row("product", {"name": f"Item {no}", "productnumber": no, "producttypecode": 1})
    await gql.mutate(
        "mutation($i: CoupleRecordsInput!) { p: coupleRecords(input: $i) { userErrors { code } } }",
        {"i": {"mapping": "ITEM-PRODUCT", "erpKey": no, "crmId": str(product)}},
    )
    return product


async def post(gql: GraphQLClient, *moves: tuple[str, str]) -> None:
    await gql.mutate(JOURNAL, {"i": {"lines": [{"itemNo": no, "quantity": qty} for no, qty in moves]}})


async def push(gql: GraphQLClient, container: Services) -> dict[str, Any]:
    (job,) = await finished(gql, container, await gql.mutate(PUSH))
    return job


def on_hand(crm: DataverseSimulator, product: uuid.UUID) -> Decimal | None:
    row = crm.row("product", product)
    assert row is not None
    value = row.get("quantityonhand")
    return None if value is None else Decimal(str(value))


async def test_the_first_push_sends_every_coupled_items_inventory_and_never_a_negative_one(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    chair, table = await coupled_item(integration, crm, "1000"), await coupled_item(integration, crm, "1001")
    await coupled_item(integration, crm, "1002")  # no stock moves at all: 0
    await upsert(
        integration, "Item", {"no": "2000", "description": "Not coupled", "baseUnitOfMeasure": "PCS"}
    )
    await post(integration, ("1000", "12.5"), ("1000", "-2"), ("1001", "3"), ("1001", "-5"), ("2000", "7"))

    job = await push(integration, container)

    assert (job["status"], job["modified"], job["failed"]) == ("SUCCEEDED", 3, 0), job
    assert on_hand(crm, chair) == Decimal("10.5")
    assert on_hand(crm, table) == 0  # inventory -2: the CRM is told there is none
    assert [r for r in crm.rows("product") if r.get("productnumber") == "2000"] == []


async def test_a_later_push_sends_only_items_whose_stock_moved_or_that_were_coupled_since(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    chair, table = await coupled_item(integration, crm, "1000"), await coupled_item(integration, crm, "1001")
    await post(integration, ("1000", "4"), ("1001", "6"))
    assert (await push(integration, container))["modified"] == 2

    # a push right after another resends recent moves (the overlap for late commits):
    # date what came before the last push back, so this checks the watermark itself
    await _as_if_an_hour_ago(container)
    await post(integration, ("1000", "1"))
    lamp = await coupled_item(integration, crm, "1003")
    job = await push(integration, container)

    assert (job["modified"], job["failed"]) == (2, 0), job
    assert (on_hand(crm, chair), on_hand(crm, table), on_hand(crm, lamp)) == (5, 6, 0)


async def test_a_product_deleted_in_the_crm_fails_alone(
    integration: GraphQLClient, container: Services, crm: DataverseSimulator
) -> None:
    chair, table = await coupled_item(integration, crm, "1000"), await coupled_item(integration, crm, "1001")
    await post(integration, ("1000", "4"), ("1001", "6"))
    crm.delete_row("product", chair)

    job = await push(integration, container)

    assert (job["status"], job["modified"], job["failed"]) == ("SUCCEEDED", 1, 1), job
    (error,) = job["errors"]["nodes"]
    assert (error["erpRef"], error["crmRef"]) == ("1000", str(chair))
    assert "no longer exists" in error["message"]
    assert on_hand(crm, table) == 6


async def test_push_stock_needs_an_enabled_item_product_mapping(
    integration: GraphQLClient, keys: dict[Role, str]
) -> None:
    await integration.with_key(keys[Role.ADMIN]).mutate(
        'mutation { p: updateTableMapping(input: {name: "ITEM-PRODUCT", enabled: false}) '
        "{ userErrors { code } } }"
    )
    (error,) = await integration.refused(PUSH)
    assert (error["field"], error["code"]) == ("mapping", "INVALID_STATE")
    assert (await integration.data("{ syncJobs(first: 5) { nodes { id } } }"))["syncJobs"]["nodes"] == []


async def test_posting_stock_moves_pushes_stock_within_seconds(
    integration: GraphQLClient, container: Services, keys: dict[Role, str], crm: DataverseSimulator
) -> None:
    chair = await coupled_item(integration, crm, "1000")
    settings = container.settings.model_copy(
        update={"change_triggers": True, "change_debounce_seconds": 0.05}
    )
    live = bootstrap(settings, db=container.db)
    async with serve_asgi(create_app(services=live)) as url, httpx.AsyncClient(base_url=url) as http:
        client = GraphQLClient(http, keys[Role.INTEGRATION])
        try:
            await post(client, ("1000", "8"))
            await eventually(lambda: _on_hand_is(crm, chair, 8))
            await post(client, ("1000", "-3"))
            await eventually(lambda: _on_hand_is(crm, chair, 5))
        finally:
            await live.triggers.close()
            await live.queue.drain()  # type: ignore[attr-defined]
            await live.crm.close()


async def test_moves_posted_while_a_push_runs_are_pushed_after_it(
    integration: GraphQLClient, container: Services, keys: dict[Role, str], crm: DataverseSimulator
) -> None:
    chair = await coupled_item(integration, crm, "1000")
    live = bootstrap(
        container.settings.model_copy(update={"change_triggers": True, "change_debounce_seconds": 0.05}),
        db=container.db,
    )
    async with serve_asgi(create_app(services=live)) as url, httpx.AsyncClient(base_url=url) as http:
        client = GraphQLClient(http, keys[Role.INTEGRATION])
        try:
            crm.set_faults(latency=0.5)  # the first push is still writing 8 when -3 is posted
            await post(client, ("1000", "8"))
            await eventually(lambda: _push_running(client))
            await post(client, ("1000", "-3"))
            crm.set_faults(latency=0.0)
            await eventually(lambda: _on_hand_is(crm, chair, 5))
        finally:
            await live.triggers.close()
            await live.queue.drain()  # type: ignore[attr-defined]
            await live.crm.close()


async def _push_running(gql: GraphQLClient) -> bool:
    jobs = await gql.data("{ syncJobs(first: 5) { nodes { kind status } } }")
    return any(j["kind"] == "STOCK" and j["status"] == "RUNNING" for j in jobs["syncJobs"]["nodes"])


async def _on_hand_is(crm: DataverseSimulator, product: uuid.UUID, wanted: int) -> bool:
    return on_hand(crm, product) == wanted


async def _as_if_an_hour_ago(container: Services) -> None:
    """Every stock move and coupling so far happened an hour before the last push."""
    async with container.db.transaction() as session:
        for model in (ItemLedgerEntry, CouplingRow):
            for row in (await session.scalars(sa.select(model))).all():
                row.modified_at -= timedelta(hours=1)
