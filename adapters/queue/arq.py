"""The scaled-out `JobQueue`: jobs wait in Redis and `couplet worker` processes
(any number of them) run them with arq.

Each enqueue is one arq job, `job:<id>:<attempts>.<seq>`, so a job that asks to
run again later (`JobRetry`, which saves the job and so moves its sequence on,
even when waiting costs no attempt) is a new arq job while the current one ends
normally.
The latest arq id of every job is kept beside the queue (`<prefix>:arq-ids`),
so cancel and recover find it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import abort_jobs_ss, in_progress_key_prefix

from domain.jobs.model import SyncJob
from domain.jobs.ports import JobQueue

RUN_JOB = "run_job"
DRAIN_POLL_SECONDS = 0.02


def arq_job_id(job: SyncJob) -> str:
    return f"job:{job.id}:{job.attempts}.{job.seq}"


def queue_name(prefix: str) -> str:
    return f"{prefix}:queue"


class ArqJobQueue:
    """Hands jobs to arq workers through `<prefix>:queue`."""

    def __init__(self, redis_url: str, prefix: str) -> None:
        self.redis_settings = RedisSettings.from_dsn(redis_url)
        self.queue_name = queue_name(prefix)
        self.ids_key = f"{prefix}:arq-ids"
        self._pool: ArqRedis | None = None
        self._opening = asyncio.Lock()

    async def pool(self) -> ArqRedis:
        if self._pool is None:
            async with self._opening:
                if self._pool is None:
                    self._pool = await create_pool(self.redis_settings, default_queue_name=self.queue_name)
        return self._pool

    async def _current(self, job_id: UUID) -> str | None:
        pool: Any = await self.pool()
        raw = await pool.hget(self.ids_key, str(job_id))
        return None if raw is None else cast(bytes, raw).decode()

    async def _state(self, arq_id: str) -> tuple[bool, bool]:
        """(in the queue, running) of an arq job."""
        pool = await self.pool()
        score = await pool.zscore(self.queue_name, arq_id)
        running = bool(await pool.exists(in_progress_key_prefix + arq_id))
        return score is not None, running

    async def enqueue(self, job: SyncJob, *, defer: float = 0.0) -> None:
        """Queue the job; refused while an arq job of it is still waiting."""
        current = await self._current(job.id)
        if current is not None:
            queued, running = await self._state(current)
            if queued and not running:
                return
        pool = await self.pool()
        arq_id = arq_job_id(job)
        options: dict[str, Any] = {"_job_id": arq_id}
        if defer > 0:
            options["_defer_by"] = defer
        if await pool.enqueue_job(RUN_JOB, str(job.id), **options) is not None:
            await cast(Any, pool).hset(self.ids_key, str(job.id), arq_id)

    async def holds(self, job_id: UUID) -> bool:
        """Whether an arq job of this job is waiting or running."""
        current = await self._current(job_id)
        return current is not None and (await self._state(current))[0]

    async def cancel(self, job_id: UUID) -> None:
        """Abort the job's arq job: a waiting one is moved to the front and dropped
        unstarted, a running one is stopped by its worker at once. If this misses,
        the job's `cancel_requested` flag stops it at its next checkpoint."""
        current = await self._current(job_id)
        if current is None:
            return
        queued, running = await self._state(current)
        if not queued:
            return
        pool = await self.pool()
        async with pool.pipeline(transaction=True) as pipe:
            if not running:
                pipe.zadd(self.queue_name, {current: 1}, xx=True)
            pipe.zadd(abort_jobs_ss, {current: int(time.time() * 1000)})
            await pipe.execute()

    async def recover(self, jobs: Sequence[SyncJob]) -> list[SyncJob]:
        """Queue again those of these (active) jobs the queue no longer holds."""
        requeued = []
        for job in jobs:
            if not await self.holds(job.id):
                await self.enqueue(job)
                requeued.append(job)
        return requeued

    async def wake(self, job_id: UUID) -> None:
        """arq cannot start a deferred job early: a waiting job looks again after its delay."""
        return None

    async def forget(self, job_id: UUID) -> None:
        """The job has ended: drop its arq id."""
        pool: Any = await self.pool()
        await pool.hdel(self.ids_key, str(job_id))

    async def drain(self) -> None:
        """Wait until no job waits or runs (tests)."""
        pool = await self.pool()
        while True:
            if not await pool.zcard(self.queue_name):
                return
            await asyncio.sleep(DRAIN_POLL_SECONDS)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None


def _implements_the_port(queue: ArqJobQueue) -> JobQueue:
    return queue  # mypy checks ArqJobQueue against the JobQueue port here
