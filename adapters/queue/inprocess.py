"""The embedded `JobQueue`: jobs run as asyncio tasks in this process."""

from __future__ import annotations

import asyncio
import logging
from uuid import UUID

from domain.jobs.model import SyncJob
from domain.jobs.runner import JobRunner

log = logging.getLogger("couplet.queue")


class InProcessJobQueue:
    """Runs each enqueued job in a task, at most `concurrency` at once."""

    def __init__(self, runner: JobRunner, *, concurrency: int = 4) -> None:
        self.runner = runner
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: dict[UUID, asyncio.Task[None]] = {}

    async def enqueue(self, job: SyncJob, *, defer: float = 0.0) -> None:
        current = self._tasks.get(job.id)
        if current is not None and current is not asyncio.current_task():
            return
        task = asyncio.create_task(self._run(job.id, defer), name=f"job:{job.id}")
        self._tasks[job.id] = task
        task.add_done_callback(lambda done: self._forget(job.id, done))

    async def _run(self, job_id: UUID, defer: float) -> None:
        if defer > 0:
            await asyncio.sleep(defer)
        async with self._slots:
            try:
                await self.runner.run(job_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job %s crashed", job_id)

    def _forget(self, job_id: UUID, task: asyncio.Task[None]) -> None:
        if self._tasks.get(job_id) is task:
            del self._tasks[job_id]

    async def cancel(self, job_id: UUID) -> None:
        task = self._tasks.get(job_id)
        if task is not None:
            task.cancel()

    async def drain(self) -> None:
        """Wait until no job is running (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)
