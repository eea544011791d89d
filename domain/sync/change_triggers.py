"""Event-driven sync: an ERP write through the API, or a CRM webhook, starts the
affected mappings' sync within a few seconds. Changes are debounced per mapping
and direction: a burst of writes starts one job. When that mapping's job is
already running (it may have read past the change), the trigger waits and tries
again, so no change waits for the schedule."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from functools import partial
from uuid import UUID

from domain.errors import ValidationFailed
from domain.jobs.model import JobStatus, SyncJob
from domain.jobs.params import SyncParams
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection
from domain.sync.service import SyncService
from domain.sync.triggers import affected_by_crm_change, affected_by_erp_change
from domain.uow import UnitOfWorkFactory

log = logging.getLogger("couplet.triggers")
RETRY_SECONDS = 2.0


class ChangeTriggers:
    """Debounced per mapping and direction; `enabled` tells whether the connection
    is on, `push_stock` queues a stock push after stock moves."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        sync: SyncService,
        *,
        delay: float,
        enabled: Callable[[], Awaitable[bool]],
        push_stock: Callable[[Trigger], Awaitable[SyncJob]] | None = None,
    ) -> None:
        self._uow = uow
        self._sync = sync
        self._delay = delay
        self._enabled = enabled
        self._timers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._crm_ids: dict[str, set[UUID]] = defaultdict(set)
        self._push_stock = push_stock

    async def erp_changed(self, table_name: str) -> None:
        async with self._uow() as uow:
            mappings = await uow.mappings.all()
        for name in affected_by_erp_change(table_name, mappings):
            self._arm(name, SyncDirection.TO_CRM.value, partial(self._start, name, SyncDirection.TO_CRM))
        if table_name == "item_ledger_entry" and self._push_stock is not None:
            self._arm("STOCK", "push", self._start_stock_push)

    async def crm_changed(self, entity: str, row_id: UUID) -> list[str]:
        """A CRM row changed (webhook): sync it into the ERP soon; the mappings touched."""
        async with self._uow() as uow:
            names = affected_by_crm_change(entity, await uow.mappings.all())
        for name in names:
            self._crm_ids[name].add(row_id)
            self._arm(name, SyncDirection.FROM_CRM.value, partial(self._start, name, SyncDirection.FROM_CRM))
        return names

    def _arm(self, name: str, what: str, start: Callable[[], Awaitable[bool]]) -> None:
        key = (name, what)
        if key not in self._timers:
            self._timers[key] = asyncio.create_task(self._fire(key, start))

    async def _fire(self, key: tuple[str, str], start: Callable[[], Awaitable[bool]]) -> None:
        delay = self._delay
        try:
            while True:
                await asyncio.sleep(delay)
                if not await self._enabled():
                    return
                if await start():
                    return
                delay = RETRY_SECONDS
        except Exception:
            log.exception("change trigger for %s failed", key[0])
        finally:
            self._timers.pop(key, None)

    async def _start(self, name: str, direction: SyncDirection) -> bool:
        """Start the pass; False while a running job of it might have missed the change."""
        sync = self._sync
        if direction is SyncDirection.FROM_CRM:
            ids, self._crm_ids[name] = self._crm_ids[name], set()
            await sync.start_pass(name, direction, SyncParams(crm_ids=tuple(ids)), trigger=Trigger.CRM_CHANGE)
            return True
        jobs = await sync.run_mapping(name, direction, trigger=Trigger.ERP_CHANGE)
        return all(job.status is JobStatus.QUEUED for job in jobs)

    async def _start_stock_push(self) -> bool:
        """Queue a stock push; False while a running one might have read past the moves."""
        assert self._push_stock is not None
        try:
            job = await self._push_stock(Trigger.STOCK_MOVES)
        except ValidationFailed:
            return True  # ITEM-PRODUCT is not enabled: there is nothing to push to
        return job.status is JobStatus.QUEUED

    async def close(self) -> None:
        tasks = list(self._timers.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
