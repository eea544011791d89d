"""The embedded `JobQueue`: jobs run as asyncio tasks in this process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any
from uuid import UUID

from adapters.queue.stopping import run_guarded
from domain.jobs.model import SyncJob
from domain.jobs.ports import JobQueue
from domain.jobs.runner import TIME_LIMIT_MESSAGE

log = logging.getLogger("couplet.queue")


class InProcessJobQueue:
    """Runs each enqueued job in a task, at most `concurrency` at once. `run` runs
    one job (the runner's `run`)."""

    def __init__(
        self,
        run: Callable[[UUID], Coroutine[Any, Any, object]],
        *,
        concurrency: int = 4,
        time_limit: float | None = None,
    ) -> None:
        self._run_job = run
        self.time_limit = time_limit
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: dict[UUID, asyncio.Task[None]] = {}
        self._running: dict[UUID, asyncio.Task[object]] = {}  # the runner's task inside each job's task
        self._canceling: set[UUID] = set()  # canceled by a user (not stopping with the process)
        self._wakeups: dict[UUID, asyncio.Event] = {}  # deferred jobs that `wake` may start early

    async def enqueue(self, job: SyncJob, *, defer: float = 0.0) -> None:
        current = self._tasks.get(job.id)
        if current is not None and asyncio.current_task() not in (current, self._running.get(job.id)):
            return
        task = asyncio.create_task(self._run(job.id, defer), name=f"job:{job.id}")
        self._tasks[job.id] = task
        task.add_done_callback(lambda done: self._forget(job.id, done))

    async def _run(self, job_id: UUID, defer: float) -> None:
        if defer > 0:
            woken = self._wakeups.setdefault(job_id, asyncio.Event())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), defer)
            self._wakeups.pop(job_id, None)
        async with self._slots:
            running: asyncio.Task[object] = asyncio.create_task(self._run_job(job_id))
            self._running[job_id] = running
            timed_out = False

            def stop() -> None:
                nonlocal timed_out
                timed_out = True
                running.cancel(TIME_LIMIT_MESSAGE)

            loop = asyncio.get_running_loop()
            limit = None if self.time_limit is None else loop.call_later(self.time_limit, stop)
            try:
                await run_guarded(
                    running,
                    canceled_by_user=lambda: job_id in self._canceling,
                    timed_out=lambda: timed_out,
                )
            except Exception:
                log.exception("job %s crashed", job_id)
            finally:
                self._canceling.discard(job_id)
                if self._running.get(job_id) is running:
                    del self._running[job_id]
                if limit is not None:
                    limit.cancel()

    def _forget(self, job_id: UUID, task: asyncio.Task[None]) -> None:
        if self._tasks.get(job_id) is task:
            del self._tasks[job_id]

    async def wake(self, job_id: UUID) -> None:
        """Run a deferred job now (what it waited for has ended)."""
        woken = self._wakeups.get(job_id)
        if woken is not None:
            woken.set()

    async def cancel(self, job_id: UUID) -> None:
        task = self._tasks.get(job_id)
        if task is not None:
            self._canceling.add(job_id)
            task.cancel()

    async def recover(self, jobs: Sequence[SyncJob]) -> list[SyncJob]:
        """Queue again those of these (active) jobs that do not run here: jobs the
        last run of the process left queued or running."""
        requeued = [job for job in jobs if job.id not in self._tasks]
        for job in requeued:
            await self.enqueue(job)
        return requeued

    async def drain(self) -> None:
        """Wait until no job is running (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)


def _implements_the_port(queue: InProcessJobQueue) -> JobQueue:
    return queue  # mypy checks InProcessJobQueue against the JobQueue port here
