"""The SQL `AvailabilityStore`: the catalog read (availability_assets) and one
stock statement — the `item_inventory` summary (kept by triggers, so no ledger
scan) beside the outstanding base quantity of OPEN and RELEASED order lines.

`sales_line_reads` hands one pooled connection to a whole request; on
PostgreSQL it reads in autocommit, saving the BEGIN/ROLLBACK round trips."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.engine import Database
from adapters.db.models.availability import ItemInventory
from adapters.db.models.financials import ItemUnitOfMeasure, SalesLine, SalesOrder
from adapters.db.repositories.availability_assets import cached, decimal, member, read_catalog
from domain.availability import AvailabilityStore, Stock, StockKey
from domain.financials.enums import SalesLineType, SalesOrderStatus
from domain.sales_lines import AssetQuery, Catalog

INVENTORY, ON_ORDERS = "I", "O"


def raw(column: Any) -> Any:
    """The driver's value as is: most rows of a request are stock figures, and the
    domain rounds them itself (`decimal` makes SQLite's floats exact)."""
    return sa.type_coerce(column, sa.types.NullType())


def _stock_statement(dialect: str) -> sa.CompoundSelect[Any]:
    inventory = sa.select(
        sa.literal(INVENTORY, sa.String).label("kind"),
        ItemInventory.item_no,
        ItemInventory.location_code,
        raw(ItemInventory.quantity),
    ).where(member(ItemInventory.item_no, "item_nos", sa.String, dialect))
    location = sa.func.coalesce(SalesLine.location_code, "")
    outstanding = (SalesLine.quantity - SalesLine.quantity_shipped) * sa.func.coalesce(
        ItemUnitOfMeasure.qty_per_unit, 1
    )
    on_orders = (
        sa.select(sa.literal(ON_ORDERS, sa.String), SalesLine.no, location, raw(sa.func.sum(outstanding)))
        .join(SalesOrder, SalesOrder.no == SalesLine.document_no)
        .outerjoin(
            ItemUnitOfMeasure,
            sa.and_(
                ItemUnitOfMeasure.item_no == SalesLine.no, ItemUnitOfMeasure.code == SalesLine.unit_of_measure
            ),
        )
        .where(
            SalesLine.type == SalesLineType.ITEM.value,
            member(SalesLine.no, "item_nos", sa.String, dialect),
            SalesOrder.status.in_([SalesOrderStatus.OPEN.value, SalesOrderStatus.RELEASED.value]),
        )
        .group_by(SalesLine.no, location)
    )
    return sa.union_all(inventory, on_orders)


_STATEMENTS: dict[str, sa.CompoundSelect[Any]] = {}


class SqlSalesLineReads:
    """Reads for availability and prices on one connection (see availability_prices)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def catalog(self, query: AssetQuery) -> Catalog:
        return await read_catalog(self.conn, query)

    async def stock(self, item_nos: frozenset[str]) -> Mapping[StockKey, Stock]:
        statement = cached(_STATEMENTS, _stock_statement, self.conn.dialect.name)
        rows = await self.conn.execute(statement, {"item_nos": sorted(item_nos)})
        stock: dict[StockKey, Stock] = {}
        for kind, item_no, location, quantity in rows:
            before = stock.get((item_no, location), Stock())
            if kind == INVENTORY:
                stock[(item_no, location)] = Stock(decimal(quantity), before.on_sales_orders)
            else:
                stock[(item_no, location)] = Stock(before.inventory, decimal(quantity))
        return stock


@asynccontextmanager
async def sales_line_reads(db: Database) -> AsyncIterator[SqlSalesLineReads]:
    """One connection for a whole request; autocommit reads on PostgreSQL."""
    async with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execution_options(isolation_level="AUTOCOMMIT")
        yield SqlSalesLineReads(conn)


async def rebuild_item_inventory(conn: AsyncConnection) -> None:
    """Recompute the summary from the ledger (after a bulk load with triggers off)."""
    await conn.execute(sa.delete(ItemInventory))
    await conn.execute(
        sa.text(
            "INSERT INTO item_inventory (item_no, location_code, quantity) "
            "SELECT item_no, COALESCE(location_code, ''), SUM(quantity) FROM item_ledger_entry "
            "GROUP BY item_no, COALESCE(location_code, '')"
        )
    )


def _implements_the_port(store: SqlSalesLineReads) -> AvailabilityStore:
    return store  # mypy checks SqlSalesLineReads against the AvailabilityStore port here
