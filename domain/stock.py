"""Stock push: inventory to the CRM's `product.quantityonhand` (issue 6).

Salespeople see stock on the product form without calling Couplet. The STOCK job
writes, for every item coupled to a product (ITEM-PRODUCT) whose stock may have
changed since the last successful push, the item's inventory over all locations,
never below zero (Dataverse's quantity on hand is not meant to go negative; a
negative ERP inventory means "none here"). It runs on the ITEM-PRODUCT mapping's
schedule and a few seconds after stock moves are posted, and `pushStock` starts
one by hand.

"Changed" means: an item ledger entry of the item was written, or the item's
coupling changed (a newly coupled product starts with no stock in the CRM),
since the last successful push started, less an overlap for transactions that
committed late. The first push sends every coupled item. Pushing a value twice
is harmless, so the overlap costs nothing but a few writes. Skipped couplings
are pushed too: skipping concerns the record's fields, not its stock; couplings
whose CRM row is not confirmed yet (pending) wait for the next push.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from domain.crm import CrmErrorClass, CrmRows, CrmTransientError, Update
from domain.errors import ErrorCode, ValidationFailed
from domain.jobs.model import ErrorClass, JobKind, Outcome, SyncJob
from domain.jobs.runner import JobContext
from domain.jobs.service import JobService
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection
from domain.sync.job import retry_later
from domain.uow import UnitOfWorkFactory

STOCK_MAPPING = "ITEM-PRODUCT"
STOCK_DEDUPE = "STOCK:ITEM-PRODUCT"
QUANTITY_ON_HAND = "quantityonhand"
PAGE_SIZE = 500
OVERLAP = timedelta(seconds=5)
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class StockLevel:
    """One coupled item's inventory (over all locations) and its product."""

    item_no: str
    product_id: UUID
    inventory: Decimal

    @property
    def quantity_on_hand(self) -> Decimal:
        """What the CRM gets: the inventory, never below zero."""
        return max(self.inventory, ZERO)


class StockStore(Protocol):
    async def last_push_started(self) -> datetime | None:
        """When the last successful STOCK job started (None: never)."""

    async def changed(
        self, since: datetime | None, *, after_item_no: str | None, limit: int
    ) -> list[StockLevel]:
        """Coupled items whose ledger or coupling changed after `since` (all coupled
        items when None), in item order, after `after_item_no`, at most `limit`."""


async def run_stock_push(ctx: JobContext, store: StockStore, crm: CrmRows) -> None:
    """The STOCK job: page by page, one `$batch` of updates per page."""
    last = await store.last_push_started()
    since = None if last is None else last - OVERLAP
    after: str | None = None
    try:
        while True:
            levels = await store.changed(since, after_item_no=after, limit=PAGE_SIZE)
            if not levels:
                break
            await _push(ctx, crm, levels)
            after = levels[-1].item_no
            await ctx.checkpoint()
            if len(levels) < PAGE_SIZE:
                break
    except CrmTransientError as error:
        raise retry_later(error, ctx.job.attempts) from error
    ctx.job.total = ctx.job.processed


async def _push(ctx: JobContext, crm: CrmRows, levels: Sequence[StockLevel]) -> None:
    operations = [
        Update("product", level.product_id, {QUANTITY_ON_HAND: level.quantity_on_hand}) for level in levels
    ]
    results = await crm.batch(operations, atomic=False)
    for level, result in zip(levels, results, strict=True):
        ctx.advance()
        if result.ok:
            ctx.count(Outcome.MODIFIED)
            continue
        ctx.count(Outcome.FAILED)
        error = result.error
        gone = error is not None and error.error_class is CrmErrorClass.NOT_FOUND
        ctx.error(
            ErrorClass.TRANSIENT
            if error is not None and error.error_class is CrmErrorClass.TRANSIENT
            else ErrorClass.PERMANENT,
            "the coupled product no longer exists in the CRM"
            if gone
            else f"the CRM refused the stock: {error}",
            erp_ref=level.item_no,
            crm_ref=str(level.product_id),
        )


async def start_stock_push(uow: UnitOfWorkFactory, jobs: JobService, *, trigger: Trigger) -> SyncJob:
    """Queue a stock push (or return the one already queued or running)."""
    async with uow() as work:
        mapping = await work.mappings.get(STOCK_MAPPING)
    if mapping is None or not mapping.enabled:
        raise ValidationFailed.single(
            "mapping",
            f"stock is pushed to the products coupled by {STOCK_MAPPING}; that mapping is not enabled",
            ErrorCode.INVALID_STATE,
        )
    return await jobs.start(
        JobKind.STOCK, STOCK_MAPPING, trigger=trigger, dedupe=STOCK_DEDUPE, direction=SyncDirection.TO_CRM
    )
