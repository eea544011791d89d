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
from datetime import timedelta
from typing import TYPE_CHECKING

from adapters.db.repositories.schedule_state import active_jobs, last_mapping_syncs
from domain.jobs.model import SyncJob
from domain.mappings.dag import dependency_order, effective_dependencies
from domain.stock import STOCK_MAPPING
from domain.sync.schedule import TRIGGER, due_mappings

if TYPE_CHECKING:
    from api.container import Container

log = logging.getLogger("couplet.schedule")
STALE_AFTER = timedelta(minutes=2)


class Scheduler:
    def __init__(self, container: Container) -> None:
        self._container = container

    async def recover(self, *, stale_only: bool = False) -> list[SyncJob]:
        """Queue again the active jobs the queue no longer holds (with `stale_only`,
        only those queued over two minutes ago: younger ones may be on their way)."""
        before = self._container.clock.now() - STALE_AFTER if stale_only else None
        async with self._container.db.read() as session:
            jobs = await active_jobs(session, queued_before=before)
        requeued = await self._container.queue.recover(jobs)
        if requeued:
            log.info("requeued %d job(s) left by a stopped process", len(requeued))
        return requeued

    async def tick(self) -> list[SyncJob]:
        """One round of the schedule; returns the jobs it started."""
        await self.recover(stale_only=True)
        if not await self._container.connection_enabled():
            return []
        async with self._container.db.read() as session:
            last = await last_mapping_syncs(session)
        async with self._container.uow() as uow:
            mappings = {m.name: m for m in await uow.mappings.all() if m.enabled and m.parent is None}
        due = set(due_mappings(mappings.values(), last, self._container.clock.now()))
        started: dict[str, list[SyncJob]] = {}
        order = dependency_order({n: effective_dependencies(m, mappings) for n, m in mappings.items()})
        for name in order:
            if name not in due:
                continue
            after = [
                job
                for dep in effective_dependencies(mappings[name], mappings)
                for job in started.get(dep, [])
            ]
            started[name] = await self._container.sync.run_mapping(name, trigger=TRIGGER, after=after)
        if STOCK_MAPPING in due:  # stock is pushed on the ITEM-PRODUCT mapping's schedule
            started.setdefault(STOCK_MAPPING, []).append(await self._container.push_stock(TRIGGER))
        return [job for jobs in started.values() for job in jobs]

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
