"""The `JobQueue` contract, passed by both adapters: in-process and arq on the
real Redis (with a worker on the test's loop)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from adapters.db.engine import Database
from adapters.db.uow import SqlUnitOfWork
from adapters.queue.arq import ArqJobQueue
from adapters.queue.inprocess import InProcessJobQueue
from adapters.queue.worker import stop_gracefully
from adapters.settings import Settings
from domain.clock import SystemClock, Uuid7Factory
from domain.jobs.model import JobKind, JobStatus, SyncJob
from domain.jobs.params import SyncParams
from domain.jobs.runner import (
    MAX_ATTEMPTS,
    MAX_INTERRUPTIONS,
    TIME_LIMIT_MESSAGE,
    JobContext,
    JobRetry,
    JobRunner,
)
from domain.jobs.service import JobService
from domain.jobs.triggers import Trigger
from tests.support.queues import redis_url, running_worker, unique_prefix
from tests.support.waiting import eventually


class Harness:
    """A queue of one kind, a runner whose handler does what `add` said of the job
    (wait to be released, or ask to be run again `waits` times), and (for arq) a worker."""

    def __init__(self, kind: str, db: Database, *, time_limit: float = 3600.0) -> None:
        self.kind = kind
        self.clock, self.ids = SystemClock(), Uuid7Factory()
        self.db = db
        self.runs: list[uuid.UUID] = []
        self.release = asyncio.Event()
        self.started = asyncio.Event()
        self.waiting: set[uuid.UUID] = set()  # jobs that wait to be released
        self.waits: dict[uuid.UUID, int] = {}  # how often a job asks to be run again
        self.settings = Settings(
            database_url="sqlite://",
            redis_url=redis_url() if kind == "arq" else None,
            redis_prefix=unique_prefix(),
            job_lease_seconds=1.0,
            job_time_limit_seconds=time_limit,
        )
        self._start_process(time_limit)
        self._worker: contextlib.AbstractAsyncContextManager[Any] | None = None
        self.worker: Any = None

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.db, self.clock, self.ids)

    async def _handle(self, ctx: JobContext) -> None:
        self.runs.append(ctx.job.id)
        self.started.set()
        if self.runs.count(ctx.job.id) <= self.waits.get(ctx.job.id, 0):
            raise JobRetry(0.01, "waiting for another job", attempt=False)
        if ctx.job.id in self.waiting:
            while not self.release.is_set():
                await ctx.checkpoint(force=True)
                await asyncio.sleep(0.02)

    async def add(self, *, wait: bool = False, waits: int = 0, **fields: Any) -> SyncJob:
        job_id = self.ids.new_id()
        if wait:
            self.waiting.add(job_id)
        self.waits[job_id] = waits
        job = SyncJob(
            id=job_id,
            kind=JobKind.SYNC,
            trigger=Trigger.MANUAL,
            queued_at=self.clock.now(),
            **{
                "mapping": f"MAPPING {job_id.hex[-8:]}",  # a lane each, unless a test shares one
                "params": SyncParams(),
                **fields,
            },
        )
        async with self.uow() as uow:
            await uow.jobs.add(job)
        return job

    async def get(self, job_id: uuid.UUID) -> SyncJob:
        async with self.uow() as uow:
            job = await uow.jobs.get(job_id)
        assert job is not None
        return job

    async def ended(self, job_id: uuid.UUID, within: float = 15.0) -> SyncJob:
        async def check() -> SyncJob | None:
            job = await self.get(job_id)
            return job if job.status.is_final else None

        return await eventually(check, within=within)

    async def start_worker(self) -> None:
        if self.kind == "arq":
            self._worker = running_worker(self.settings, self.runner, self.queue, grace=0.0)
            self.worker = await self._worker.__aenter__()

    async def stop_worker(self) -> None:
        """The worker process stops (SIGTERM after its grace): running jobs are interrupted."""
        if self.kind == "arq":
            assert self._worker is not None
            await stop_gracefully(self.worker, 0.0)
            await self._worker.__aexit__(None, None, None)
            self._worker = None
        else:
            await self.queue.close()
            self._start_process(None)

    def _start_process(self, time_limit: float | None) -> None:
        """The queue and the runner of one process (a restarted embedded process
        gets new ones; the runner hands its waiting jobs back to its queue)."""
        self.queue: Any = (
            ArqJobQueue(self.settings.redis_url or "", self.settings.redis_prefix)
            if self.kind == "arq"
            else InProcessJobQueue(lambda job_id: self.runner.run(job_id), time_limit=time_limit)
        )
        self.runner = JobRunner(
            self.uow, self.clock, self.ids, {JobKind.SYNC: self._handle}, queue=self.queue
        )
        self.jobs = JobService(self.uow, self.queue, self.clock, self.ids)

    async def close(self) -> None:
        self.release.set()
        if self._worker is not None:
            await self._worker.__aexit__(None, None, None)
        await self.queue.close()


@pytest.fixture(params=["inprocess", "arq"])
async def harness(request: pytest.FixtureRequest, database: Database) -> AsyncIterator[Harness]:
    harness = Harness(request.param, database)
    await harness.start_worker()
    yield harness
    await harness.close()


async def test_an_enqueued_job_runs_to_the_end(harness: Harness) -> None:
    job = await harness.add()
    await harness.queue.enqueue(job)
    ended = await harness.ended(job.id)
    assert (ended.status, ended.attempts, harness.runs) == (JobStatus.SUCCEEDED, 1, [job.id])


async def test_waiting_for_another_job_uses_up_no_attempts(harness: Harness) -> None:
    job = await harness.add(waits=MAX_ATTEMPTS + 4)
    await harness.queue.enqueue(job)
    ended = await harness.ended(job.id)
    assert (ended.status, ended.attempts) == (JobStatus.SUCCEEDED, 1), ended.message
    assert harness.runs.count(job.id) == MAX_ATTEMPTS + 5


async def test_a_job_already_waiting_is_not_queued_twice(harness: Harness) -> None:
    job = await harness.add()
    await harness.queue.enqueue(job, defer=0.3)
    await harness.queue.enqueue(job, defer=0.3)
    await harness.ended(job.id)
    await harness.queue.drain()
    assert harness.runs == [job.id]


async def test_a_canceled_queued_job_never_starts(harness: Harness) -> None:
    job = await harness.add()
    await harness.queue.enqueue(job, defer=1.0)
    canceled = await harness.jobs.cancel(job.id)
    assert canceled.status is JobStatus.CANCELED
    await harness.queue.drain()
    assert harness.runs == []
    assert (await harness.get(job.id)).status is JobStatus.CANCELED


async def test_a_canceled_running_job_stops(harness: Harness) -> None:
    job = await harness.add(wait=True)
    await harness.queue.enqueue(job)
    await asyncio.wait_for(harness.started.wait(), 10)
    await harness.jobs.cancel(job.id)
    ended = await harness.ended(job.id)
    assert (ended.status, ended.message) == (JobStatus.CANCELED, "canceled")
    await harness.queue.drain()


async def test_recover_queues_the_active_jobs_the_queue_no_longer_holds(harness: Harness) -> None:
    left = await harness.add()
    held = await harness.add(wait=True)
    await harness.queue.enqueue(held)
    requeued = await harness.queue.recover([left, held])
    assert [j.id for j in requeued] == [left.id]
    assert (await harness.ended(left.id)).status is JobStatus.SUCCEEDED
    harness.release.set()
    assert (await harness.ended(held.id)).status is JobStatus.SUCCEEDED
    assert sorted(harness.runs) == sorted([left.id, held.id])


async def test_two_jobs_of_one_mapping_never_run_at_once(harness: Harness) -> None:
    first = await harness.add(wait=True, mapping="CUSTOMER")
    second = await harness.add(mapping="CUSTOMER")
    other = await harness.add(mapping="CONTACT")
    await harness.queue.enqueue(first)
    await asyncio.wait_for(harness.started.wait(), 10)
    await harness.queue.enqueue(second)
    await harness.queue.enqueue(other)
    assert (await harness.ended(other.id)).status is JobStatus.SUCCEEDED  # another lane: not held up

    async def told_to_wait() -> SyncJob | None:
        job = await harness.get(second.id)
        return job if f"waiting for job {first.id}" in (job.message or "") else None

    waiting = await eventually(told_to_wait, within=15.0)
    assert (waiting.status, waiting.attempts) == (JobStatus.QUEUED, 0)
    harness.release.set()
    assert (await harness.ended(second.id)).status is JobStatus.SUCCEEDED
    assert harness.runs.index(second.id) > harness.runs.index(first.id)


async def test_a_job_interrupted_by_its_worker_stopping_runs_again_to_the_end(harness: Harness) -> None:
    job = await harness.add(wait=True)
    await harness.queue.enqueue(job)
    await asyncio.wait_for(harness.started.wait(), 10)
    await harness.stop_worker()
    stopped = await harness.get(job.id)
    assert (stopped.status, stopped.params.interruptions) == (JobStatus.QUEUED, 1)
    harness.release.set()
    await harness.start_worker()
    if harness.kind == "inprocess":  # embedded: requeued at the next start
        await harness.queue.recover([stopped])
    ended = await harness.ended(job.id)
    assert (ended.status, ended.attempts) == (JobStatus.SUCCEEDED, 2)


async def test_a_job_past_its_time_limit_fails(database: Database) -> None:
    for kind in ("inprocess", "arq"):
        harness = Harness(kind, database, time_limit=0.3)
        try:
            await harness.start_worker()
            job = await harness.add(wait=True)
            await harness.queue.enqueue(job)
            ended = await harness.ended(job.id)
            assert (ended.status, ended.message) == (JobStatus.FAILED, TIME_LIMIT_MESSAGE)
            await harness.queue.drain()
        finally:
            await harness.close()


async def test_a_job_that_keeps_killing_its_worker_ends_failed(harness: Harness) -> None:
    job = await harness.add(status=JobStatus.RUNNING)
    job.params = replace(job.params, interruptions=MAX_INTERRUPTIONS)
    async with harness.uow() as uow:
        await uow.jobs.save(job)
    await harness.queue.enqueue(job)
    ended = await harness.ended(job.id)
    assert ended.status is JobStatus.FAILED
    assert "not run again" in (ended.message or "")
    assert harness.runs == []
