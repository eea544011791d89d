"""Starting and canceling jobs. A job is committed before it is enqueued, so no
worker ever looks for a job that is not there yet."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.clock import Clock, IdFactory
from domain.errors import ErrorCode, ValidationFailed
from domain.jobs.model import PARAMS_OF, JobKind, JobStatus, SyncJob
from domain.jobs.params import JobParameters
from domain.jobs.ports import DuplicateJobError, JobQueue
from domain.jobs.runner import JobEvents, NoEvents
from domain.jobs.triggers import Trigger
from domain.mappings.model import SyncDirection
from domain.uow import UnitOfWorkFactory


class JobService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        queue: JobQueue,
        clock: Clock,
        ids: IdFactory,
        events: JobEvents | None = None,
    ) -> None:
        self._uow = uow
        self._queue = queue
        self._clock = clock
        self._ids = ids
        self._events: JobEvents = events or NoEvents()

    async def start(
        self,
        kind: JobKind,
        mapping: str,
        *,
        trigger: Trigger,
        direction: SyncDirection | None = None,
        params: JobParameters | None = None,
        dedupe: str | None = None,
        enqueue: bool = True,
    ) -> SyncJob:
        """Queue a job. With `dedupe`, a queued or running job with the same key is
        returned instead of a second one (one sync per mapping and direction). With
        `enqueue` False the job is only recorded: the caller enqueues it (after
        recording it elsewhere, so no worker can finish it before that). Without
        `params` the job runs with its kind's defaults."""
        async with self._uow() as uow:
            table_mapping = await uow.mappings.get(mapping)
            if table_mapping is None:
                raise ValidationFailed.single(
                    "mapping", f"there is no table mapping {mapping!r}", ErrorCode.NOT_FOUND
                )
            if dedupe is not None and (active := await uow.jobs.active(dedupe)) is not None:
                return active
            job = SyncJob(
                id=self._ids.new_id(),
                kind=kind,
                trigger=trigger,
                queued_at=self._clock.now(),
                mapping=mapping,
                direction=direction or table_mapping.direction,
                params=params or PARAMS_OF[kind](),
                dedupe_key=dedupe,
            )
            try:
                await uow.jobs.add(job)
            except DuplicateJobError:
                active = await uow.jobs.active(dedupe or "")
                if active is None:
                    raise
                return active
        await self._events.job_changed(job)  # activity subscribers see the new job
        if enqueue:
            await self._queue.enqueue(job)
        return job

    async def enqueue(self, jobs: Sequence[SyncJob]) -> None:
        """Hand recorded jobs to the workers (those not yet queued or running elsewhere)."""
        for job in jobs:
            if job.status is JobStatus.QUEUED:
                await self._queue.enqueue(job)

    async def cancel(self, job_id: UUID) -> SyncJob:
        """Ask a job to stop: a queued one never starts, a running one stops at its
        next checkpoint. A finished job is left as it is."""
        canceled_queued = False
        async with self._uow() as uow:
            job = await uow.jobs.get(job_id)
            if job is None:
                raise ValidationFailed.single("id", f"there is no job {job_id}", ErrorCode.NOT_FOUND)
            if job.status.is_final:
                raise ValidationFailed.single(
                    "id", f"the job has already ended ({job.status.value})", ErrorCode.INVALID_STATE
                )
            if job.status is JobStatus.QUEUED:
                job.status, job.finished_at, job.message = JobStatus.CANCELED, self._clock.now(), "canceled"
                job.cancel_requested = True
                job.seq += 1
                await uow.jobs.save(job)
                canceled_queued = True
            else:
                job = await uow.jobs.request_cancel(job_id) or job
        await self._queue.cancel(job_id)
        if canceled_queued:
            await self._events.job_changed(job)
        return job
