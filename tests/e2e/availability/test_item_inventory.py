"""The item_inventory summary stays equal to the ledger's sum per item and
location, inside the writing transaction: posted, changed, deleted, rolled back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.db import migrate
from adapters.db.engine import Database
from adapters.db.models.availability import ItemInventory
from adapters.db.models.financials import Item, ItemLedgerEntry, Location, UnitOfMeasure
from tests.e2e.availability.support import JOURNAL, catalog, post
from tests.support.databases import throwaway_database
from tests.support.graphql import GraphQLClient


async def summary(db: Database) -> dict[tuple[str, str], Decimal]:
    async with db.read() as session:
        rows = await session.execute(sa.select(ItemInventory).where(ItemInventory.quantity != 0))
        return {(r.item_no, r.location_code): r.quantity for r in rows.scalars()}


async def ledger_sums(db: Database) -> dict[tuple[str, str], Decimal]:
    location = sa.func.coalesce(ItemLedgerEntry.location_code, "")
    statement = sa.select(ItemLedgerEntry.item_no, location, sa.func.sum(ItemLedgerEntry.quantity)).group_by(
        ItemLedgerEntry.item_no, location
    )
    async with db.read() as session:
        rows = (await session.execute(statement)).all()
    return {(no, loc): Decimal(str(q)).quantize(Decimal("0.00001")).normalize() for no, loc, q in rows if q}


async def change_then_fail(database: Database) -> None:
    async with database.transaction() as session:
        await session.execute(sa.update(ItemLedgerEntry).values(quantity=Decimal(100)))
        raise RuntimeError("rolled back")


async def test_posting_adds_to_the_summary_per_item_and_location(
    gql: GraphQLClient, database: Database
) -> None:
    await catalog(gql)
    await post(
        gql,
        {"itemNo": "1000", "quantity": "10.5", "locationCode": "BLUE"},
        {"itemNo": "1000", "quantity": "2"},
    )
    await post(
        gql,
        {"itemNo": "1000", "quantity": "-0.25", "locationCode": "BLUE"},
        {"itemNo": "1001", "quantity": "1"},
    )
    assert await summary(database) == {
        ("1000", "BLUE"): Decimal("10.25"),
        ("1000", ""): Decimal(2),
        ("1001", ""): Decimal(1),
    }
    assert await summary(database) == await ledger_sums(database)


async def test_a_refused_journal_leaves_the_summary_alone(gql: GraphQLClient, database: Database) -> None:
    await catalog(gql)
    await post(gql, {"itemNo": "1000", "quantity": "5"})
    errors = await gql.refused(
        JOURNAL, {"i": {"lines": [{"itemNo": "1000", "quantity": "3"}, {"itemNo": "NOPE", "quantity": "1"}]}}
    )
    assert errors
    assert await summary(database) == {("1000", ""): Decimal(5)}


async def test_changed_and_deleted_entries_and_rollbacks_keep_it_exact(
    gql: GraphQLClient, database: Database
) -> None:
    await catalog(gql)
    await post(
        gql, {"itemNo": "1000", "quantity": "5"}, {"itemNo": "1000", "quantity": "7", "locationCode": "RED"}
    )
    async with database.transaction() as session:
        await session.execute(
            sa.update(ItemLedgerEntry)
            .where(ItemLedgerEntry.quantity == 5)
            .values(quantity=Decimal(4), location_code="BLUE")
        )
    async with database.transaction() as session:
        await session.execute(sa.delete(ItemLedgerEntry).where(ItemLedgerEntry.location_code == "RED"))
    assert await summary(database) == {("1000", "BLUE"): Decimal(4)}
    with pytest.raises(RuntimeError):
        await change_then_fail(database)
    assert await summary(database) == {("1000", "BLUE"): Decimal(4)} == await ledger_sums(database)


async def test_the_migration_fills_the_summary_from_an_existing_ledger(backend: str, tmp_path: Path) -> None:
    async with throwaway_database(backend, tmp_path, migrated=False) as url:
        await migrate.upgrade(url, "7c2b1e5f0a55")
        db = Database.from_url(url)
        try:
            now = datetime.now(UTC)
            stamp = {"created_at": now, "modified_at": now}
            async with db.transaction() as session:
                await session.execute(sa.insert(UnitOfMeasure).values(id=uuid.uuid4(), code="PCS", **stamp))
                await session.execute(sa.insert(Location).values(id=uuid.uuid4(), code="BLUE", **stamp))
                await session.execute(
                    sa.insert(Item).values(
                        id=uuid.uuid4(),
                        no="1000",
                        description="Oslo Chair",
                        type="INVENTORY",
                        base_unit_of_measure="PCS",
                        unit_price=Decimal(1),
                        unit_cost=Decimal(1),
                        gross_weight=Decimal(0),
                        unit_volume=Decimal(0),
                        **stamp,
                    )
                )
                for quantity, location in (("10", "BLUE"), ("-2.5", "BLUE"), ("4", None)):
                    await session.execute(
                        sa.insert(ItemLedgerEntry).values(
                            id=uuid.uuid4(),
                            item_no="1000",
                            location_code=location,
                            posting_date=now.date(),
                            entry_type="PURCHASE",
                            quantity=Decimal(quantity),
                            **stamp,
                        )
                    )
            await migrate.upgrade(url)
            assert await summary(db) == {("1000", "BLUE"): Decimal("7.5"), ("1000", ""): Decimal(4)}
        finally:
            await db.dispose()
