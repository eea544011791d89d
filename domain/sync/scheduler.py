"""The schedule: every due mapping's modified records, prerequisites first.

Scaled out it runs once a minute as an arq cron job in the workers (arq's unique
cron run keeps two workers from both running it); embedded, as an asyncio timer
in the API process. Each tick first queues again the active jobs a stopped
process left behind, then starts nothing while the connection is missing or
disabled."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from domain.clock import Clock
from domain.jobs.model import SyncJob
from domain.jobs.ports import JobQueue
from domain.jobs.triggers import Trigger
from domain.stock import STOCK_MAPPING
from domain.sync.schedule import TRIGGER, due_mappings
from domain.sync.service import SyncService
from domain.uow import UnitOfWorkFactory

log = logging.getLogger("couplet.schedule")
STALE_AFTER = timedelta(minutes=2)


class ScheduleState(Protocol):
    """What the schedule reads besides the mappings."""

    async def last_mapping_syncs(self) -> dict[str, datetime]:
        """When each mapping's last mapping-wide SYNC job (one with a dedupe key) was queued."""

    async def active_jobs(self, *, queued_before: datetime | None = None) -> list[SyncJob]:
        """Queued and running jobs (queued before a time, when given), oldest first."""


class Scheduler:
    """One tick of the schedule, and the embedded timer that ticks it. `enabled`
    tells whether the CRM connection is set up and enabled; `push_stock` queues a
    stock push (on the ITEM-PRODUCT mapping's schedule)."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        state: ScheduleState,
        queue: JobQueue,
        sync: SyncService,
        clock: Clock,
        *,
        enabled: Callable[[], Awaitable[bool]],
        push_stock: Callable[[Trigger], Awaitable[SyncJob]],
    ) -> None:
        self._uow = uow
        self._state = state
        self._queue = queue
        self._sync = sync
        self._clock = clock
        self._enabled = enabled
        self._push_stock = push_stock

    async def recover(self, *, stale_only: bool = False) -> list[SyncJob]:
        """Queue again the active jobs the queue no longer holds (with `stale_only`,
        only those queued over two minutes ago: younger ones may be on their way)."""
        before = self._clock.now() - STALE_AFTER if stale_only else None
        jobs = await self._state.active_jobs(queued_before=before)
        requeued = await self._queue.recover(jobs)
        if requeued:
            log.info("requeued %d job(s) left by a stopped process", len(requeued))
        return requeued

    async def tick(self) -> list[SyncJob]:
        """One round of the schedule; returns the jobs it started."""
        await self.recover(stale_only=True)
        if not await self._enabled():
            return []
        last = await self._state.last_mapping_syncs()
        async with self._uow() as uow:
            mappings = await uow.mappings.all()
        due = set(due_mappings(mappings, last, self._clock.now()))
        started = await self._sync.sync_modified(trigger=TRIGGER, only=due)
        if STOCK_MAPPING in due:  # stock is pushed on the ITEM-PRODUCT mapping's schedule
            started.append(await self._push_stock(TRIGGER))
        return started

    async def run_every(self, seconds: float, stopping: asyncio.Event) -> None:
        """Tick every `seconds` until `stopping` is set (the embedded timer). A tick
        under way finishes first: it is never cut off inside a transaction."""
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), seconds)
                return
            try:
                await self.tick()
            except Exception:
                log.exception("the schedule's tick failed")
