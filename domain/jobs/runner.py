"""Running one job: status changes, counters, errors and progress, written in
short transactions and published as events while the handler works."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Protocol
from uuid import UUID

from domain.clock import Clock, IdFactory
from domain.jobs.model import (
    ErrorClass,
    JobError,
    JobKind,
    JobRecord,
    JobStatus,
    Outcome,
    RecordOutcome,
    SyncJob,
)
from domain.jobs.ports import JobQueue
from domain.uow import UnitOfWorkFactory

log = logging.getLogger("couplet.jobs")
FLUSH_SECONDS = 0.5
MAX_ATTEMPTS = 8
MAX_INTERRUPTIONS = 3
WAIT_SECONDS = 0.5  # how often a waiting job looks again, for its first WAIT_FAST
WAIT_SLOW_SECONDS = 2.0
WAIT_FAST = timedelta(seconds=10)
LANE_KINDS = frozenset({JobKind.SYNC, JobKind.MATCH, JobKind.UNCOUPLE})
TIME_LIMIT_MESSAGE = "the job ran past its time limit"
"""The message of the cancel a queue sends when a job runs too long: the job ends
FAILED. A cancel without it stops a job CANCELED when a user asked for that, and
otherwise means the process is stopping: the job goes back to QUEUED."""


class JobCanceled(Exception):
    """The job was asked to stop; raised at the next checkpoint."""


class JobEvents(Protocol):
    """Where job changes are announced (subscriptions listen there)."""

    async def job_changed(self, job: SyncJob) -> None: ...


class NoEvents:
    async def job_changed(self, job: SyncJob) -> None:
        return None


class JobContext:
    """What a job handler works with: the job, stores, and progress reporting."""

    def __init__(
        self, job: SyncJob, uow: UnitOfWorkFactory, clock: Clock, ids: IdFactory, events: JobEvents
    ) -> None:
        self.job = job
        self.uow = uow
        self.clock = clock
        self.ids = ids
        self._events = events
        self._errors: list[JobError] = []
        self._records: list[JobRecord] = []
        self._positions = 0
        self._last_flush = time.monotonic()

    def count(self, outcome: Outcome, by: int = 1) -> None:
        self.job.count(outcome, by)

    def advance(self, processed: int = 1) -> None:
        self.job.processed += processed

    def error(
        self,
        error_class: ErrorClass,
        message: str,
        *,
        erp_ref: str | None = None,
        crm_ref: str | None = None,
        detail: str | None = None,
    ) -> None:
        self._errors.append(
            JobError(self.job.id, self.clock.now(), error_class, message[:4000], erp_ref, crm_ref, detail)
        )

    def record(
        self,
        outcome: RecordOutcome,
        *,
        erp_id: UUID | None = None,
        erp_ref: str | None = None,
        crm_id: UUID | None = None,
        crm_ids: tuple[UUID, ...] = (),
        message: str | None = None,
    ) -> None:
        self._positions += 1
        self._records.append(
            JobRecord(self.job.id, self._positions, outcome, erp_id, erp_ref, crm_id, crm_ids, message)
        )

    async def checkpoint(self, *, force: bool = False) -> None:
        """Save progress when due and stop here if the job was canceled."""
        if force or time.monotonic() - self._last_flush >= FLUSH_SECONDS:
            await self.flush()

    async def flush(self) -> None:
        errors, self._errors = self._errors, []
        records, self._records = self._records, []
        async with self.uow() as uow:
            stored = await uow.jobs.get(self.job.id)
            if stored is not None and stored.cancel_requested:
                self.job.cancel_requested = True
            self.job.seq += 1
            await uow.jobs.save(self.job)
            if errors:
                await uow.jobs.add_errors(errors)
            if records:
                await uow.jobs.add_records(records)
        self._last_flush = time.monotonic()
        await self._events.job_changed(self.job)
        if self.job.cancel_requested and self.job.status is JobStatus.RUNNING:
            raise JobCanceled


Handler = Callable[[JobContext], Awaitable[None]]


class JobRunner:
    """Runs queued jobs by kind. A job that ends (any final status) is never run again."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        ids: IdFactory,
        handlers: Mapping[JobKind, Handler],
        events: JobEvents | None = None,
        queue: JobQueue | None = None,
    ) -> None:
        """`queue` is where a job goes back to when it must wait or retry, and
        what wakes the jobs waiting for one that ended; without one (unit tests)
        a job neither waits nor retries. The embedded queue runs this runner in
        turn: the composition root closes that loop with a closure, not by
        assigning afterwards."""
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._handlers = handlers
        self.events: JobEvents = events or NoEvents()
        self._queue = queue
        self._waiters: dict[UUID, set[UUID]] = {}  # job → the jobs of this process waiting for it

    async def run(self, job_id: UUID) -> SyncJob | None:
        async with self._uow() as uow:
            job = await uow.jobs.get(job_id)
        if job is None or job.status.is_final:
            return job
        ctx = JobContext(job, self._uow, self._clock, self._ids, self.events)
        handler = self._handlers.get(job.kind)
        if job.status is JobStatus.RUNNING:  # its last worker died without a word
            job.params = job.params.interrupted()
        if _interruptions(job) > MAX_INTERRUPTIONS:
            job.status, job.finished_at = JobStatus.FAILED, self._clock.now()
            job.message = _too_often(job)
            await self._finish(ctx)
            return job
        if await self._must_wait(ctx):
            return job
        job.status, job.started_at, job.attempts = JobStatus.RUNNING, self._clock.now(), job.attempts + 1
        job.finished_at, job.message = None, None
        try:
            if handler is None:
                raise RuntimeError(f"no handler for {job.kind} jobs")
            await ctx.flush()
            await handler(ctx)
            job.status = JobStatus.SUCCEEDED
        except JobRetry as retry:
            if not retry.attempt:
                job.attempts -= 1
            if (job.attempts < MAX_ATTEMPTS or not retry.attempt) and self._queue is not None:
                job.status, job.message, job.started_at = JobStatus.QUEUED, retry.reason, None
                await self._release_lane(job)
                with contextlib.suppress(JobCanceled):
                    await ctx.flush()
                await self._queue.enqueue(job, defer=retry.delay)
                await self._wake_waiters(job.id)
                return job
            job.status, job.message = (
                JobStatus.FAILED,
                f"gave up after {job.attempts} attempts: {retry.reason}",
            )
        except JobCanceled:
            job.status, job.message = JobStatus.CANCELED, job.message or "canceled"
        except asyncio.CancelledError as stop:
            await self._interrupted(ctx, stop)
            raise
        except Exception as error:
            log.exception("job %s failed", job.id)
            # Users read the message; the exception (class, SQL, traceback) is for the log
            # and the error's detail.
            job.status, job.message = JobStatus.FAILED, unexpected_error_message(job)
            detail = f"{type(error).__name__}: {error}"[:1000] + "\n" + traceback.format_exc()[-3000:]
            ctx.error(ErrorClass.PERMANENT, job.message, detail=detail)
        await self._finish(ctx)
        return job

    async def _interrupted(self, ctx: JobContext, stop: asyncio.CancelledError) -> None:
        """The job's task was cancelled: by a user's cancel, by its time limit, or
        because the process is stopping (then it runs again, up to a limit)."""
        job = ctx.job
        async with self._uow() as uow:
            stored = await uow.jobs.get(job.id)
        if stop.args and stop.args[0] == TIME_LIMIT_MESSAGE:
            job.status, job.message = JobStatus.FAILED, TIME_LIMIT_MESSAGE
        elif job.cancel_requested or (stored is not None and stored.cancel_requested):
            job.cancel_requested = True
            job.status, job.message = JobStatus.CANCELED, job.message or "canceled"
        else:
            job.params = job.params.interrupted()
            if _interruptions(job) > MAX_INTERRUPTIONS:
                job.status, job.message = JobStatus.FAILED, _too_often(job)
            else:
                job.status, job.started_at = JobStatus.QUEUED, None
                job.message = "interrupted: the worker stopped; the job runs again"
                await self._release_lane(job)
                with contextlib.suppress(JobCanceled):
                    await ctx.flush()
                await self._wake_waiters(job.id)
                return
        await self._finish(ctx)

    async def _finish(self, ctx: JobContext) -> None:
        ctx.job.finished_at = self._clock.now()
        await self._release_lane(ctx.job)
        with contextlib.suppress(JobCanceled):
            await ctx.flush()
        await self._wake_waiters(ctx.job.id)

    async def _wake_waiters(self, job_id: UUID) -> None:
        """The job ended or gave its lane up: the jobs here waiting for it look again now."""
        for waiter in self._waiters.pop(job_id, set()):
            if self._queue is not None:
                await self._queue.wake(waiter)

    async def _must_wait(self, ctx: JobContext) -> bool:
        """Whether the job cannot start yet: a job it must follow has not ended, or
        another job of its mapping holds the lane. Then it goes back to the queue
        (waiting uses up none of its attempts) and True is returned."""
        job = ctx.job
        reason: str | None = None
        async with self._uow() as uow:
            awaited: UUID | None = None
            for other_id in waits_for(job):
                other = await uow.jobs.get(other_id)
                if other is not None and not other.status.is_final:
                    reason = f"waiting for job {other_id} ({other.status.value.lower()})"
                    awaited = other_id
                    break
            lane = lane_of(job)
            if reason is None and lane is not None:
                awaited = await uow.jobs.claim_lane(lane, job.id, self._clock.now())
                if awaited is not None:
                    reason = f"waiting for job {awaited}, which is running for {job.mapping}"
        if reason is None or self._queue is None:
            return False
        if awaited is not None:
            self._waiters.setdefault(awaited, set()).add(job.id)
        waited = self._clock.now() - job.queued_at
        job.status, job.started_at, job.message = JobStatus.QUEUED, None, reason
        with contextlib.suppress(JobCanceled):
            await ctx.flush()
        await self._queue.enqueue(job, defer=WAIT_SECONDS if waited < WAIT_FAST else WAIT_SLOW_SECONDS)
        return True

    async def _release_lane(self, job: SyncJob) -> None:
        lane = lane_of(job)
        if lane is not None:
            async with self._uow() as uow:
                await uow.jobs.release_lane(lane, job.id)


def lane_of(job: SyncJob) -> str | None:
    """The lane a job runs in: every job that reads or writes a mapping's
    couplings (SYNC in either direction, MATCH, UNCOUPLE) runs alone in its
    mapping's lane, whatever started it, so two jobs never decide about the same
    record at once (two would both create its counterpart)."""
    if job.kind in LANE_KINDS and job.mapping:
        return f"mapping:{job.mapping}"
    return None


def waits_for(job: SyncJob) -> list[UUID]:
    """The jobs this one must follow (a CRM → ERP pass after its ERP → CRM pass,
    a dependant after its prerequisites)."""
    return list(job.params.after_jobs)


def unexpected_error_message(job: SyncJob) -> str:
    return f"the job stopped on an unexpected error; the details are in the log (job {job.id})"


def _interruptions(job: SyncJob) -> int:
    return job.params.interruptions


def _too_often(job: SyncJob) -> str:
    return (
        f"stopped {_interruptions(job)} times while running (its worker stopped or died each time); "
        "not run again"
    )


class JobRetry(Exception):
    """Run the job again after `delay` seconds (the CRM asked to wait, or a job it
    waits for has not ended). A retry that only waits (`attempt` False) does not
    use up one of the job's attempts: a dependant may wait as long as its
    prerequisite runs."""

    def __init__(self, delay: float, reason: str, *, attempt: bool = True) -> None:
        super().__init__(reason)
        self.delay = delay
        self.reason = reason
        self.attempt = attempt
