"""The stock push's reads: coupled items whose stock may have changed, with their inventory."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from adapters.db.engine import Database
from adapters.db.models import CouplingRow, SyncJobRow
from adapters.db.models.availability import ItemInventory
from adapters.db.models.financials import Item, ItemLedgerEntry
from domain.jobs.model import JobKind, JobStatus
from domain.stock import STOCK_MAPPING, StockLevel, StockStore


class SqlStockStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def last_push_started(self) -> datetime | None:
        query = sa.select(sa.func.max(SyncJobRow.started_at)).where(
            SyncJobRow.kind == JobKind.STOCK.value, SyncJobRow.status == JobStatus.SUCCEEDED.value
        )
        async with self._db.read() as session:
            started: datetime | None = await session.scalar(query)
        return started

    async def changed(
        self, since: datetime | None, *, after_item_no: str | None, limit: int
    ) -> list[StockLevel]:
        inventory = (  # the summary the ledger's triggers keep exact
            sa.select(sa.func.coalesce(sa.func.sum(ItemInventory.quantity), 0))
            .where(ItemInventory.item_no == Item.no)
            .scalar_subquery()
        )
        query = (
            sa.select(Item.no, CouplingRow.crm_id, inventory)
            .join(CouplingRow, CouplingRow.erp_id == Item.id)
            .where(
                CouplingRow.mapping_name == STOCK_MAPPING,
                CouplingRow.crm_id.is_not(None),
                CouplingRow.pending.is_(False),
            )
            .order_by(Item.no)
            .limit(limit)
        )
        if since is not None:
            moved = sa.select(ItemLedgerEntry.item_no).where(ItemLedgerEntry.modified_at > since)
            query = query.where(sa.or_(Item.no.in_(moved), CouplingRow.modified_at > since))
        if after_item_no is not None:
            query = query.where(Item.no > after_item_no)
        async with self._db.read() as session:
            rows = (await session.execute(query)).all()
        return [StockLevel(no, crm_id, Decimal(quantity)) for no, crm_id, quantity in rows if crm_id]


def _implements_the_port(store: SqlStockStore) -> StockStore:
    return store  # mypy checks SqlStockStore against the StockStore port here
